/**
 * Error codes shared by the API and the client. Each code has the HTTP status the server answers
 * with and a user-facing Chinese message the client may show when the server sends none.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: '请求参数有误' },
  MALFORMED_JSON: { status: 400, message: '请求内容不是有效的 JSON' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  TOKEN_INVALID: { status: 401, message: '登录已失效，请重新登录' },
  INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  WECHAT_CODE_INVALID: { status: 401, message: '微信登录凭证无效或已使用，请重新登录' },
  FORBIDDEN: { status: 403, message: '没有权限执行此操作' },
  ACCOUNT_LOCKED: { status: 423, message: '登录失败次数过多，账号已暂时锁定' },
  NOT_FOUND: { status: 404, message: '记录不存在' },
  ROUTE_NOT_FOUND: { status: 404, message: '接口不存在' },
  CONFLICT: { status: 409, message: '数据冲突' },
  BUSY: { status: 409, message: '其他人正在处理同一条记录，请稍后重试' },
  DUPLICATE: { status: 409, message: '记录已存在' },
  INVITE_USED: { status: 409, message: '邀请码已被使用' },
  INVITE_INVALID: { status: 404, message: '邀请码无效或已过期' },
  ALREADY_BOUND: { status: 409, message: '该微信账号已绑定客户' },
  MANAGER_NOT_FOUND: { status: 422, message: '所选上级不存在' },
  MANAGER_INACTIVE: { status: 422, message: '所选上级已停用，请选择在职员工' },
  MANAGER_SELF: { status: 422, message: '不能把员工设为自己的上级' },
  MANAGER_CYCLE: { status: 409, message: '设置后上级关系会形成循环，请先调整上级链' },
  PAYLOAD_TOO_LARGE: { status: 400, message: '请求内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '不支持的内容类型' },
  REQUEST_INCOMPLETE: { status: 400, message: '请求内容不完整，请重新发送' },
  REQUEST_TIMEOUT: { status: 408, message: '请求内容发送超时，请检查网络后重试' },
  FILE_TYPE_NOT_ALLOWED: { status: 400, message: '只能上传 JPG、PNG、WebP 图片或 PDF 文件' },
  FILE_UNREADABLE: { status: 400, message: '文件已损坏或无法识别' },
  FILE_LINK_INVALID: { status: 403, message: '文件链接无效或已过期，请刷新后重试' },
  SHARE_EXPIRED: { status: 410, message: '分享链接已过期或已被撤销' },
  CHAT_RETRACT_EXPIRED: { status: 409, message: '消息发送已超过 2 分钟，不能撤回' },
  CONTRACT_NOT_EDITABLE: { status: 409, message: '合同已提交审批或已生效，不能再修改' },
  CONTRACT_NOT_PENDING: { status: 409, message: '合同不在审批中' },
  CONTRACT_NOT_ACTIVE: { status: 409, message: '合同尚未生效，不能开具付款通知' },
  INVOICE_NOT_PAYABLE: { status: 409, message: '该付款通知已付清、已作废或无需支付' },
  INVOICE_NOT_VOIDABLE: { status: 409, message: '已有付款的付款通知不能作废' },
  INVOICE_NOT_OPEN: { status: 409, message: '该付款通知已付清或已作废，无需约定付款安排' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, message: '该 Idempotency-Key 已用于另一笔付款' },
  PAYMENT_NOT_CONFIGURED: { status: 503, message: '微信支付尚未配置，暂不能付款' },
  PAYMENT_IN_PROGRESS: { status: 409, message: '付款正在处理中，请稍后再试' },
  PAYMENT_NOT_REFUNDABLE: { status: 409, message: '该付款未支付成功，不能退款' },
  REFUND_EXCEEDS_PAID: { status: 409, message: '退款总额不能超过已支付金额' },
  REFUND_NOT_PENDING: { status: 409, message: '该退款不在待审批状态' },
  REFUND_SELF_APPROVAL: { status: 403, message: '不能审批自己发起的退款' },
  REFUND_REJECTED_BY_WECHAT: { status: 409, message: '微信支付拒绝了该退款' },
  FAPIAO_STATE_INVALID: { status: 409, message: '发票状态不允许此操作' },
  CHANGE_QUOTE_EXPIRED: { status: 409, message: '报价已过期，请联系项目经理重新报价' },
  CHANGE_QUOTE_OUTDATED: { status: 409, message: '报价已更新，请查看最新报价后再确认' },
  RATING_LOCKED: { status: 409, message: '评价已超过 7 天，不能再修改' },
  RECONCILIATION_BILL_NOT_READY: { status: 409, message: '该日账单尚未生成（次日 10 点后可下载）' },
  RECONCILIATION_BILL_HASH_MISMATCH: { status: 422, message: '账单文件校验失败（SHA1 不符），已拒绝处理' },
  RECONCILIATION_BILL_INVALID: { status: 422, message: '账单文件格式不正确' },
  DISCREPANCY_ALREADY_RESOLVED: { status: 409, message: '该差异已处理' },
  RATE_LIMITED: { status: 429, message: '请求过于频繁，请稍后再试' },
  UPSTREAM_UNAVAILABLE: { status: 502, message: '微信服务暂时不可用，请稍后再试' },
  SERVICE_UNAVAILABLE: { status: 503, message: '服务暂不可用' },
  INTERNAL: { status: 500, message: '服务器内部错误' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
