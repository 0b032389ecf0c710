import type { ComponentType } from 'react';
import type { Role } from '@gantry/shared';
import { AdminHome } from './AdminHome';
import { CustomerHome } from './CustomerHome';
import { EngineerHome } from './EngineerHome';
import { FinanceHome } from './FinanceHome';
import { PmHome } from './PmHome';
import { SalesHome } from './SalesHome';
import { ServiceHome } from './ServiceHome';
import type { RoleHomeProps } from './types';

const HOME_BY_ROLE: Record<Role, ComponentType<RoleHomeProps>> = {
  customer: CustomerHome,
  sales: SalesHome,
  pm: PmHome,
  engineer: EngineerHome,
  finance: FinanceHome,
  service: ServiceHome,
  admin: AdminHome,
};

export function RoleHome(props: RoleHomeProps) {
  const Home = HOME_BY_ROLE[props.user.role];
  return <Home {...props} />;
}
