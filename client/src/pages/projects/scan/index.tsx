import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ProjectView, SessionUser } from '@gantry/shared';
// Deep import: the package index pulls every schema in; this module is the one parser of project codes.
import { parseProjectQr } from '@gantry/shared/src/portal';
import { Button } from '../../../components/ui';
import { messageOf } from '../../../components/ui/errors';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { getProject } from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import '../../../components/projects/projects.css';

/** Where a scanned project code leads: the site writes its daily log, everyone else sees progress. */
function destination(user: SessionUser | null, project: ProjectView): string {
  const q = `?id=${encodeURIComponent(project.id)}`;
  const onSite = !!user && (project.pm?.id === user.id || project.engineers.some((e) => e.id === user.id));
  return onSite ? `${ROUTES.dailyLog}${q}` : `${ROUTES.projectHome}${q}`;
}

/** Router params arrive encoded in the mini-program and decoded in a browser. */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Reads the code the home page scanned and opens its project (or says why it cannot). */
export default function ScanPage() {
  const text = useRouter().params.text ?? '';
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const parsed = parseProjectQr(decoded(text));
    if (!parsed) {
      setError('这不是项目二维码');
      return;
    }
    getProject(parsed.projectId, { toast: false }).then(
      (project) => platform.redirectTo(destination(getSessionUser(), project)),
      (caught: unknown) => setError(`无法打开该项目：${messageOf(caught)}`),
    );
  }, [text]);

  const scanAgain = () => {
    platform.scanCode().then(
      (next) => platform.redirectTo(`${ROUTES.scan}?text=${encodeURIComponent(next)}`),
      (caught: unknown) => platform.toast(messageOf(caught)),
    );
  };

  return (
    <View className="page scan-page">
      {error ? (
        <View>
          <Text id="scan-error" className="error-text">
            {error}
          </Text>
          <View className="actions">
            <Button id="scan-again" block onClick={scanAgain}>
              重新扫描
            </Button>
          </View>
        </View>
      ) : (
        <Text className="hint">正在打开项目…</Text>
      )}
    </View>
  );
}
