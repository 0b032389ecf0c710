import { z } from 'zod';

/**
 * Sign-in throttling (README, "Passwords and sign-in throttling"). Each scope — the pair
 * (username, IP), the IP across usernames, the username across IPs — allows `…FreeFailures`
 * failures within `windowSeconds` of the last one; every failure past that doubles the wait before
 * the next attempt, from `backoffBaseSeconds` up to `backoffMaxSeconds`. Nothing is ever locked.
 */
export const signInConfigSchema = z
  .object({
    pairFreeFailures: z.number().int().positive(),
    ipFreeFailures: z.number().int().positive(),
    /** Higher than the pair's: it is the one an attacker with many IPs reaches, and known devices skip it. */
    usernameFreeFailures: z.number().int().positive(),
    backoffBaseSeconds: z.number().int().positive(),
    backoffMaxSeconds: z.number().int().positive(),
    windowSeconds: z.number().int().positive(),
    /** How long a client that signed in stays a known device of that user without signing in again. */
    deviceTtlSeconds: z.number().int().positive(),
  })
  .refine((c) => c.windowSeconds >= c.backoffMaxSeconds, {
    message: 'windowSeconds must be at least backoffMaxSeconds (a wait must not outlive its counter)',
    path: ['windowSeconds'],
  });
export type SignInConfig = z.infer<typeof signInConfigSchema>;
