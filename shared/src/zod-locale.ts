import { z } from 'zod';

/**
 * Validation messages in Chinese for customers and staff alike: one message per zod issue code,
 * written for people (zod's own zh-CN locale still names types and patterns in English, e.g.
 * "期望 string", and prints regular expressions). A message a schema sets itself wins over these.
 */
export function useChineseValidationMessages(): void {
  z.config({ localeError: chineseIssueMessage });
}

type Issue = z.core.$ZodRawIssue | z.core.$ZodIssue;

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '是或否（true/false）',
  array: '列表',
  tuple: '列表',
  object: '对象',
  record: '对象',
  map: '对象',
  set: '列表',
  date: '日期',
  null: '空值',
  file: '文件',
  nan: '数字',
};

const FORMAT_MESSAGES: Record<string, string> = {
  email: '邮箱格式不正确',
  url: '网址格式不正确',
  uuid: '编号格式不正确',
  guid: '编号格式不正确',
  cuid: '编号格式不正确',
  cuid2: '编号格式不正确',
  ulid: '编号格式不正确',
  nanoid: '编号格式不正确',
  datetime: '时间格式不正确，应为带时区的 ISO 8601 时间（如 2024-05-01T08:00:00Z）',
  date: '日期无效，应为真实存在的日期（YYYY-MM-DD）',
  time: '时刻格式不正确，应为 HH:mm 或 HH:mm:ss',
  duration: '时长格式不正确',
  ipv4: 'IP 地址格式不正确',
  ipv6: 'IP 地址格式不正确',
  e164: '电话号码格式不正确',
  base64: '不是有效的 Base64 编码',
  base64url: '不是有效的 Base64 编码',
  json_string: '不是有效的 JSON 文本',
  jwt: '令牌格式不正确',
  lowercase: '只能包含小写字母',
  uppercase: '只能包含大写字母',
};

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** True when `text` has Chinese in it, i.e. a message a Chinese-speaking user can read. */
export function isChineseMessage(text: string | undefined): text is string {
  return typeof text === 'string' && CJK.test(text);
}

/** The Chinese message for one zod issue (raw issue inside zod, or a finished issue afterwards). */
export function chineseIssueMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'input' in issue && issue.input === undefined
        ? '必填'
        : `应为${TYPE_NAMES[issue.expected] ?? '其他类型'}`;
    case 'too_small':
      return sizeMessage(issue.origin, issue.minimum, issue.inclusive, issue.exact, 'min');
    case 'too_big':
      return sizeMessage(issue.origin, issue.maximum, issue.inclusive, issue.exact, 'max');
    case 'invalid_format':
      return formatMessage(issue);
    case 'not_multiple_of':
      return `应为 ${String(issue.divisor)} 的整数倍`;
    case 'unrecognized_keys':
      return '不允许的字段';
    case 'invalid_union':
      return '取值不符合任何允许的格式';
    case 'invalid_key':
      return '字段名无效';
    case 'invalid_element':
      return '包含无效的值';
    case 'invalid_value':
      return issue.values.length === 1
        ? `应为「${String(issue.values[0])}」`
        : `应为以下之一：${issue.values.map(String).join('、')}`;
    default:
      return '取值无效';
  }
}

function sizeMessage(
  origin: string,
  bound: number | bigint,
  inclusive: boolean | undefined,
  exact: boolean | undefined,
  side: 'min' | 'max',
): string {
  const n = String(bound);
  const unit = origin === 'string' ? ' 个字符' : origin === 'array' || origin === 'set' ? ' 项' : '';
  if (origin === 'string' && side === 'min' && n === '1' && !exact) return '不能为空';
  if (origin === 'array' && side === 'min' && n === '1' && !exact) return '至少需要 1 项';
  if (exact) return `应为 ${n}${unit}`;
  if (unit) return side === 'min' ? `至少 ${n}${unit}` : `最多 ${n}${unit}`;
  if (origin === 'date') {
    const day = new Date(Number(bound)).toISOString().slice(0, 10);
    return side === 'min' ? `不能早于 ${day}` : `不能晚于 ${day}`;
  }
  if (origin === 'file') return side === 'min' ? `文件不能小于 ${n} 字节` : `文件不能大于 ${n} 字节`;
  if (side === 'min') return inclusive === false ? `应大于 ${n}` : `不能小于 ${n}`;
  return inclusive === false ? `应小于 ${n}` : `不能大于 ${n}`;
}

function formatMessage(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  const known = FORMAT_MESSAGES[issue.format];
  if (known) return known;
  const text = issue as { prefix?: string; suffix?: string; includes?: string };
  if (issue.format === 'starts_with') return `应以「${text.prefix ?? ''}」开头`;
  if (issue.format === 'ends_with') return `应以「${text.suffix ?? ''}」结尾`;
  if (issue.format === 'includes') return `应包含「${text.includes ?? ''}」`;
  return '格式不正确';
}
