import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { FileRef, SiteIssue, SiteIssueSeverity } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button, Input, Switch } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { SEVERITY_OPTIONS, createSiteIssue } from '../../../services/site';

/** A new site issue: internal unless the site says the customer may see it. */
export function IssueForm(props: {
  projectId: string;
  onCreated: (issue: SiteIssue) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState<SiteIssueSeverity | null>(null);
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [customerVisible, setCustomerVisible] = useState(false);
  const [uploading, setUploading] = useState(false);
  const { busy, error, run } = useSubmit();

  const save = () => {
    if (!title.trim()) return platform.toast('请填写问题标题');
    if (!severity) return platform.toast('请选择严重程度');
    void run(async () => {
      const issue = await createSiteIssue(props.projectId, {
        title: title.trim(),
        description: description.trim(),
        severity,
        photoIds: photos.map((p) => p.id),
        customerVisible,
      });
      platform.toast('问题已登记', 'success');
      props.onCreated(issue);
    });
  };

  return (
    <View id="issue-form" className="project-card">
      <Text className="form-label">标题</Text>
      <View id="issue-title" className="form-field">
        <Input placeholder="如：三层东侧模板渗漏" value={title} onChange={setTitle} />
      </View>
      <Text className="form-label">严重程度</Text>
      <Choices idPrefix="issue-severity" options={SEVERITY_OPTIONS} value={severity} onChange={setSeverity} />
      <Text className="form-label">描述（可选）</Text>
      <View id="issue-description" className="form-field">
        <TextArea
          value={description}
          onChange={setDescription}
          placeholder="位置、现象、影响"
          maxLength={4000}
        />
      </View>
      <Text className="form-label">照片</Text>
      <PhotoPicker
        projectId={props.projectId}
        customerVisible={customerVisible}
        photos={photos}
        onChange={setPhotos}
        onBusyChange={setUploading}
        idPrefix="issue"
      />
      <View className="form-switch-row">
        <Text className="form-switch-label">客户可见</Text>
        <Switch id="issue-customer-visible" checked={customerVisible} onChange={setCustomerVisible} />
      </View>
      <View className="actions">
        <Button id="issue-save" block type="primary" loading={busy} disabled={uploading} onClick={save}>
          登记问题
        </Button>
        <Button id="issue-cancel" block onClick={props.onCancel}>
          取消
        </Button>
      </View>
      <ErrorText id="issue-error" message={error} />
    </View>
  );
}
