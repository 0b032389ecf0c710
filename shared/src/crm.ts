export const CUSTOMER_TYPES = ['government', 'developer', 'private_company', 'individual'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const CUSTOMER_TYPE_LABELS: Record<CustomerType, string> = {
  government: '政府/事业单位',
  developer: '开发商',
  private_company: '民营企业',
  individual: '个人',
};

export const CUSTOMER_TIERS = ['high_value', 'potential', 'regular', 'risk'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export const CUSTOMER_TIER_LABELS: Record<CustomerTier, string> = {
  high_value: '高价值',
  potential: '潜力',
  regular: '普通',
  risk: '风险',
};
