import type { CustomerTier, CustomerType, ProjectStatus, ProjectType, StaffRole } from '@gantry/shared';

/** The demo data set: a small construction firm in Shanghai and its customers. Fictional names. */
export const DEMO_PASSWORD = 'Gantry@2026';

export const DEMO_STAFF: Array<{ username: string; name: string; role: StaffRole; phone: string }> = [
  { username: 'admin', name: '周敏', role: 'admin', phone: '13800000001' },
  { username: 'lina', name: '李娜', role: 'sales', phone: '13800000002' },
  { username: 'wangqiang', name: '王强', role: 'sales', phone: '13800000003' },
  { username: 'zhangwei', name: '张伟', role: 'pm', phone: '13800000004' },
  { username: 'chengang', name: '陈刚', role: 'engineer', phone: '13800000005' },
  { username: 'liufang', name: '刘芳', role: 'finance', phone: '13800000006' },
  { username: 'zhaoli', name: '赵丽', role: 'service', phone: '13800000007' },
];

export const DEMO_CUSTOMERS: Array<{
  key: string;
  name: string;
  type: CustomerType;
  tier: CustomerTier;
  owner: string | null;
  phone: string;
  tags: string[];
  portalOpenid?: string;
}> = [
  {
    key: 'gov',
    name: '浦江新区城市建设管理局',
    type: 'government',
    tier: 'high_value',
    owner: 'lina',
    phone: '02150000001',
    tags: ['政府项目', '市政'],
  },
  {
    key: 'dev',
    name: '华景置业有限公司',
    type: 'developer',
    tier: 'high_value',
    owner: 'lina',
    phone: '13900000011',
    tags: ['住宅', '老客户'],
    portalOpenid: 'o_demo_customer_1',
  },
  {
    key: 'firm',
    name: '恒远机电工程有限公司',
    type: 'private_company',
    tier: 'potential',
    owner: 'wangqiang',
    phone: '13900000012',
    tags: ['厂房'],
  },
  {
    key: 'risky',
    name: '宏达建材贸易有限公司',
    type: 'private_company',
    tier: 'risk',
    owner: 'wangqiang',
    phone: '13900000013',
    tags: ['回款慢'],
  },
  {
    key: 'person',
    name: '孙建国',
    type: 'individual',
    tier: 'regular',
    owner: null,
    phone: '13900000014',
    tags: ['别墅装修'],
    portalOpenid: 'o_demo_customer_2',
  },
];

export const DEMO_PROJECTS: Array<{
  code: string;
  name: string;
  type: ProjectType;
  customer: string;
  address: string;
  status: ProjectStatus;
  startOffsetDays: number;
  durationDays: number;
}> = [
  {
    code: 'GT-2026-001',
    name: '华景·滨江苑三期住宅楼',
    type: 'residential',
    customer: 'dev',
    address: '上海市浦东新区滨江大道 1288 号',
    status: 'active',
    startOffsetDays: -120,
    durationDays: 360,
  },
  {
    code: 'GT-2026-002',
    name: '浦江新区市民服务中心改造',
    type: 'public',
    customer: 'gov',
    address: '上海市浦江新区人民路 88 号',
    status: 'planning',
    startOffsetDays: 30,
    durationDays: 240,
  },
  {
    code: 'GT-2025-014',
    name: '恒远机电二号厂房钢结构',
    type: 'industrial',
    customer: 'firm',
    address: '江苏省昆山市开发区创业路 16 号',
    status: 'completed',
    startOffsetDays: -300,
    durationDays: 200,
  },
  {
    code: 'GT-2025-009',
    name: '孙宅别墅整体装修',
    type: 'renovation',
    customer: 'person',
    address: '上海市闵行区紫藤路 66 弄 8 号',
    status: 'warranty',
    startOffsetDays: -400,
    durationDays: 150,
  },
];
