import { z } from 'zod';

/**
 * `payments` config. `wechatPay` is null until the merchant is configured (WECHAT_PAY_* variables;
 * dev secrets from scripts/dev-secrets.ts): paying then answers 503 while the rest of the app runs.
 */
export const paymentsConfigSchema = z
  .object({
    wechatPay: z
      .object({
        mchId: z.string().regex(/^\d{8,12}$/, 'must be a WeChat Pay merchant id'),
        apiV3Key: z.string().length(32, 'the APIv3 key is 32 characters'),
        privateKeyPem: z.string().includes('PRIVATE KEY', { message: 'must be apiclient_key.pem' }),
        certPem: z.string().includes('CERTIFICATE', { message: 'must be apiclient_cert.pem' }),
        certSerial: z.string().optional(),
        /** WeChat Pay public key mode (serial PUB_KEY_ID_…), beside the platform certificates. */
        platformPublicKeyId: z.string().startsWith('PUB_KEY_ID_').optional(),
        platformPublicKeyPem: z.string().optional(),
        baseUrl: z.url().default('https://api.mch.weixin.qq.com'),
        /** Where WeChat posts notifications; defaults to http.publicUrl + /api/v1/payments/wechat/notify. */
        notifyUrl: z.url().optional(),
      })
      .nullable()
      .default(null),
    /** Refunds above this (fen) need a second finance user or an admin. */
    refundApprovalThreshold: z.number().int().min(0).default(100_000),
    /** An unpaid order's prepay expires after this; the settle job then closes it. */
    orderExpireMinutes: z.number().int().min(5).max(120).default(30),
    /** The settle job queries orders left unpaid (and refunds left processing) at least this long. */
    settleAfterSeconds: z.number().int().min(0).default(180),
    /** Notifications whose timestamp is further off than this are refused. */
    notifyMaxSkewSeconds: z.number().int().positive().default(300),
    /**
     * Notifications applied at once (the rest wait in line, first come first served). 1 suits the
     * embedded SQLite-backed FerretDB, where concurrent writers wait for the lock in no fair order
     * and a few wait for seconds; raise it on MongoDB.
     */
    notifyConcurrency: z.number().int().min(1).max(64).default(1),
    /** Notifications waiting beyond this are answered 503 at once (WeChat delivers them again later). */
    notifyMaxWaiting: z.number().int().min(1).default(200),
  })
  .default({
    wechatPay: null,
    refundApprovalThreshold: 100_000,
    orderExpireMinutes: 30,
    settleAfterSeconds: 180,
    notifyMaxSkewSeconds: 300,
    notifyConcurrency: 1,
    notifyMaxWaiting: 200,
  });
export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;
