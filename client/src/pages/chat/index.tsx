import { useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import type { ChatMessage, ChatUnreadSummary } from '@gantry/shared';
import { Button, Input } from '../../components/ui';
import { messageOf } from '../../components/ui/errors';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { newClientKey, postMessage, unreadSummary } from '../../services/chat';
import { fileUrl, thumbUrl, uploadPhoto } from '../../services/files';
import { formatDateTime } from '../../services/projects';
import { useChat } from './useChat';
import '../../components/projects/projects.css';
import './chat.css';

function Message({ message }: { message: ChatMessage }) {
  const urls = message.attachments.map((a) => fileUrl(a.url));
  return (
    <View id={`chat-message-${message.seq}`} className={`chat-message${message.mine ? ' mine' : ''}`}>
      <Text className="chat-author">
        {message.author.name} · {formatDateTime(message.createdAt)}
      </Text>
      {message.retracted ? (
        <Text className="chat-retracted">消息已撤回</Text>
      ) : (
        <View className="chat-bubble">
          {message.text && <Text>{message.text}</Text>}
          {message.attachments.map((a, i) => (
            <Image
              key={a.id}
              className="photo-image"
              src={thumbUrl(a)}
              mode="widthFix"
              onClick={() => void platform.previewImages(urls, urls[i]).catch(() => undefined)}
            />
          ))}
        </View>
      )}
    </View>
  );
}

/**
 * The project thread: customer and project staff, text and pictures. Sending keeps one client key
 * per message, so that a tap again after a lost answer does not post it twice.
 */
function Composer({ projectId, onSent }: { projectId: string; onSent: (m: ChatMessage) => void }) {
  const [text, setText] = useState('');
  const [key, setKey] = useState(newClientKey);
  const [busy, setBusy] = useState(false);

  const send = async (fileIds: string[]) => {
    setBusy(true);
    try {
      const sent = await postMessage(projectId, {
        text: fileIds.length ? '' : text.trim(),
        fileIds,
        clientKey: key,
      });
      if (!fileIds.length) setText('');
      setKey(newClientKey());
      onSent(sent);
    } catch (caught) {
      platform.toast(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const sendText = () => {
    if (!text.trim()) return;
    void send([]);
  };

  // Straight from the tap: a browser opens its file picker only during the user's gesture.
  const sendImages = () => {
    platform.chooseImages({ count: 9 }).then(
      async (images) => {
        if (!images.length) return;
        setBusy(true);
        try {
          const refs = [];
          for (const image of images)
            refs.push(await uploadPhoto(image.path, { projectId, customerVisible: true }));
          await send(refs.map((r) => r.id));
        } catch (caught) {
          platform.toast(messageOf(caught));
          setBusy(false);
        }
      },
      (caught: unknown) => platform.toast(messageOf(caught)),
    );
  };

  return (
    <View className="chat-composer">
      <View className="chat-composer-row">
        <View id="chat-input" className="chat-composer-input">
          <Input placeholder="输入消息" value={text} onChange={setText} maxLength={2000} />
        </View>
        <Button id="chat-image" size="small" disabled={busy} onClick={sendImages}>
          图片
        </Button>
        <Button id="chat-send" size="small" type="primary" loading={busy} onClick={sendText}>
          发送
        </Button>
      </View>
    </View>
  );
}

/** Without a project: the threads with unread messages, most unread first. */
function Threads() {
  const [summary, setSummary] = useState<ChatUnreadSummary | null>(null);
  useDidShow(() => {
    unreadSummary().then(setSummary, () => setSummary({ total: 0, items: [] }));
  });
  if (!summary) return <Text className="hint">加载中…</Text>;
  return (
    <View className="page chat-threads-page">
      <Text className="page-title">项目沟通</Text>
      {summary.items.length === 0 && (
        <Text className="project-empty">没有未读消息，可从项目主页进入沟通</Text>
      )}
      {summary.items.map((t) => (
        <View
          key={t.projectId}
          id={`chat-thread-${t.projectId}`}
          className="project-card"
          onClick={() =>
            void platform.navigateTo(`${ROUTES.chat}?projectId=${encodeURIComponent(t.projectId)}`)
          }
        >
          <View className="project-row">
            <Text className="project-name">{t.projectName}</Text>
            <Text className="project-tag">{t.unread} 条未读</Text>
          </View>
        </View>
      ))}
    </View>
  );
}

function Thread({ projectId }: { projectId: string }) {
  const chat = useChat(projectId);
  return (
    <View className="page chat-page">
      {chat.hasOlder && (
        <View className="actions">
          <Button id="chat-older" block size="small" onClick={() => void chat.loadOlder()}>
            查看更早的消息
          </Button>
        </View>
      )}
      {chat.loaded && chat.messages.length === 0 && (
        <Text className="hint">还没有消息，有问题可以在这里直接问项目团队</Text>
      )}
      <View id="chat-thread">
        {chat.messages.map((m) => (
          <Message key={m.seq} message={m} />
        ))}
      </View>
      <Composer projectId={projectId} onSent={(m) => chat.absorb([m])} />
    </View>
  );
}

export default function ChatPage() {
  const projectId = useRouter().params.projectId ?? '';
  return projectId ? <Thread projectId={projectId} /> : <Threads />;
}
