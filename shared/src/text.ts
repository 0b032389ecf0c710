import { z } from 'zod';
import { hasControlCharacter, normalizeText, stripFormatCharacters } from './crm-normalize';

/**
 * Text people type into a name field: refused when it holds a control character (a pasted tab or
 * line break is a mistake, and NUL or DEL would corrupt exports), otherwise stored NFKC without
 * invisible format characters and trimmed, so what is stored is what is seen and compared.
 */
export function nameTextSchema(label: string) {
  return z
    .string()
    .refine((v) => !hasControlCharacter(v), `${label}不能包含控制字符（换行、制表符等）`)
    .overwrite(normalizeText);
}

/**
 * The same refusal and clean-up without NFKC, for text that must keep what was typed: NFKC turns
 * full-width punctuation half-width, and a fapiao title has to match the registered name, （） and all.
 */
export function verbatimTextSchema(label: string) {
  return z
    .string()
    .refine((v) => !hasControlCharacter(v), `${label}不能包含控制字符（换行、制表符等）`)
    .overwrite((v) => stripFormatCharacters(v).trim());
}
