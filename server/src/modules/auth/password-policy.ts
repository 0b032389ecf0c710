import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MIN_CHARS } from '@gantry/shared';
import { ValidationError } from '../../core/errors';

/**
 * The rules a new password must pass wherever it is set: by an admin creating an account or
 * resetting a password, and by the person changing their own. Text is compared in its NFKC form,
 * lower-cased, so full-width letters or capitals do not slip a username or a common password past.
 */
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

// zxcvbn-ts's ranked list of ~49k passwords seen most often in breaches, kept by that project.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common'].map(fold));

export const PASSWORD_RULE_MESSAGES = {
  tooShort: `密码至少 ${PASSWORD_MIN_CHARS} 个字符`,
  containsUsername: '密码不能包含用户名',
  common: '该密码过于常见，容易被猜中，请换一个',
} as const;

/** The first rule the password breaks, or null. */
export function passwordProblem(password: string, username: string): string | null {
  const folded = fold(password);
  if ([...folded].length < PASSWORD_MIN_CHARS) return PASSWORD_RULE_MESSAGES.tooShort;
  if (folded.includes(fold(username))) return PASSWORD_RULE_MESSAGES.containsUsername;
  if (COMMON_PASSWORDS.has(folded)) return PASSWORD_RULE_MESSAGES.common;
  return null;
}

/** Throws 400 VALIDATION_FAILED naming the field (e.g. `body.newPassword`) and the broken rule. */
export function assertAcceptablePassword(password: string, username: string, field: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new ValidationError([{ path: field, message: problem }], problem);
}
