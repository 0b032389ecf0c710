import { z } from 'zod';

/** Validation messages in Chinese for customers and staff alike. Call once at start-up. */
export function useChineseValidationMessages(): void {
  z.config(z.locales.zhCN());
}
