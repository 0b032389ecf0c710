import { z } from 'zod';
import { CUSTOMER_TIERS } from './crm';

/**
 * Customer scoring: weighted factors (weights sum to 100, each reaching its full contribution at
 * its cap) give a 0–100 score; tier rules give the tier. Admins edit the model; every save is a new
 * version. Open complaints count against the customer: none earns the factor's full weight.
 */
export const SCORING_FACTORS = [
  'annualContractValue',
  'cooperationFrequency',
  'paymentPunctuality',
  'satisfaction',
  'openComplaints',
] as const;
export type ScoringFactor = (typeof SCORING_FACTORS)[number];

export const SCORING_FACTOR_LABELS: Record<ScoringFactor, string> = {
  annualContractValue: '近 12 个月合同额（分）',
  cooperationFrequency: '近 24 个月合作次数',
  paymentPunctuality: '按时付款比例',
  satisfaction: '平均满意度（1–5）',
  openComplaints: '未关闭投诉数',
};

/** Factors where more is worse: normalised = 1 − min(raw / cap, 1). */
export const NEGATIVE_SCORING_FACTORS: readonly ScoringFactor[] = ['openComplaints'];

export const scoringFactorSchema = z.strictObject({
  weight: z.number().int('权重须为整数').min(0, '权重不能小于 0').max(100, '权重不能大于 100'),
  /** The raw value at which the factor reaches its full contribution. */
  cap: z.number().positive('归一化上限须大于 0'),
});

export const tierRulesSchema = z.strictObject({
  /** high_value when the annual contract value (fen) is above this. */
  highValueMinAnnualValue: z.number().int().min(0),
  /** risk when late payments in 12 months are at least this. */
  riskMinLatePayments: z.number().int().min(1),
  /** potential when the customer has opportunities but none signed. */
  potentialWhenUnsigned: z.boolean(),
});

export const scoringModelInputSchema = z
  .strictObject({
    factors: z.strictObject(
      Object.fromEntries(SCORING_FACTORS.map((f) => [f, scoringFactorSchema])) as Record<
        ScoringFactor,
        typeof scoringFactorSchema
      >,
    ),
    tierRules: tierRulesSchema,
  })
  .superRefine((v, ctx) => {
    const sum = SCORING_FACTORS.reduce((s, f) => s + v.factors[f].weight, 0);
    if (sum !== 100)
      ctx.addIssue({ code: 'custom', path: ['factors'], message: `各因素权重之和须为 100（当前 ${sum}）` });
  });
export type ScoringModelInput = z.infer<typeof scoringModelInputSchema>;

export const scoringModelSchema = z.object({
  version: z.number().int(),
  factors: z.record(z.enum(SCORING_FACTORS), scoringFactorSchema),
  tierRules: tierRulesSchema,
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type ScoringModel = z.infer<typeof scoringModelSchema>;

export const DEFAULT_SCORING_MODEL: ScoringModelInput = {
  factors: {
    annualContractValue: { weight: 35, cap: 500_000_000 },
    cooperationFrequency: { weight: 20, cap: 5 },
    paymentPunctuality: { weight: 20, cap: 1 },
    satisfaction: { weight: 15, cap: 5 },
    openComplaints: { weight: 10, cap: 3 },
  },
  tierRules: { highValueMinAnnualValue: 500_000_000, riskMinLatePayments: 2, potentialWhenUnsigned: true },
};

export const TIER_RULES = ['risk', 'high_value', 'potential', 'regular'] as const;

export const customerScoreSchema = z.object({
  customerId: z.string(),
  modelVersion: z.number().int(),
  score: z.number(),
  tier: z.enum(CUSTOMER_TIERS),
  tierRule: z.enum(TIER_RULES),
  tierReason: z.string(),
  factors: z.array(
    z.object({
      factor: z.enum(SCORING_FACTORS),
      label: z.string(),
      raw: z.number(),
      normalised: z.number(),
      weight: z.number(),
      contribution: z.number(),
      hasProvider: z.boolean(),
    }),
  ),
  facts: z.record(z.string(), z.number()),
  storedScore: z.number().nullable(),
  storedTier: z.enum(CUSTOMER_TIERS),
  scoreUpdatedAt: z.string().nullable(),
});
export type CustomerScore = z.infer<typeof customerScoreSchema>;
