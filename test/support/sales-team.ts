import { startTestSystem, type TestSystem } from './system';

export interface SignedInStaff {
  id: string;
  token: string;
}

export interface SalesTeam {
  sys: TestSystem;
  /** The admin's token. */
  admin: string;
  lina: SignedInStaff;
  wang: SignedInStaff;
}

/** Seeds a salesperson and signs them in. */
export async function addSalesperson(
  sys: TestSystem,
  username: string,
  name: string,
): Promise<SignedInStaff> {
  const user = await sys.seed.staff('sales', { username, name });
  return { id: user.id, token: await sys.loginStaff(username, user.password) };
}

/** A test system with an admin (周敏) and two salespeople (李娜, 王强), all signed in. */
export async function startSalesTeam(): Promise<SalesTeam> {
  const sys = await startTestSystem();
  const a = await sys.seed.staff('admin', { username: 'zhou.admin', name: '周敏' });
  const admin = await sys.loginStaff(a.username, a.password);
  return {
    sys,
    admin,
    lina: await addSalesperson(sys, 'li.na', '李娜'),
    wang: await addSalesperson(sys, 'wang.qiang', '王强'),
  };
}
