import { PASSWORD_RULE_MESSAGES, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each([
    ['123456789', 'li.na', PASSWORD_RULE_MESSAGES.tooShort],
    ['😀😀😀😀😀', 'li.na', PASSWORD_RULE_MESSAGES.tooShort],
    ['qwertyuiop', 'li.na', PASSWORD_RULE_MESSAGES.common],
    ['QwertyUIOP', 'li.na', PASSWORD_RULE_MESSAGES.common],
    ['ｑｗｅｒｔｙｕｉｏｐ', 'li.na', PASSWORD_RULE_MESSAGES.common],
    ['hello-LI.NA-2026', 'li.na', PASSWORD_RULE_MESSAGES.containsUsername],
  ])('%s for %s: %s', (password, username, problem) => {
    expect(passwordProblem(password, username)).toBe(problem);
  });

  it('passes a long uncommon password without the username', () => {
    expect(passwordProblem('Gantry@2026', 'admin')).toBeNull();
    expect(passwordProblem('Passw0rd!test', 'sales_ab12cd')).toBeNull();
  });
});
