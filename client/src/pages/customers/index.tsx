import { useEffect, useRef, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Customer, CustomerTier } from '@gantry/shared';
import { Button, Input } from '../../components/ui';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import {
  CUSTOMER_TIERS,
  CUSTOMER_TIER_LABELS,
  CUSTOMER_TYPE_LABELS,
  listCustomers,
} from '../../services/crm';
import '../../components/crm/crm.css';

function CustomerRow({ customer }: { customer: Customer }) {
  return (
    <View
      id={`customer-item-${customer.id}`}
      className="crm-card"
      onClick={() =>
        void platform.navigateTo(`${ROUTES.customerDetail}?id=${encodeURIComponent(customer.id)}`)
      }
    >
      <View className="crm-row">
        <Text className="crm-name">{customer.name}</Text>
        <Text className={`crm-tag tier-${customer.tier}`}>{CUSTOMER_TIER_LABELS[customer.tier]}</Text>
      </View>
      <Text className="crm-meta">
        {CUSTOMER_TYPE_LABELS[customer.type]}
        {customer.ownerName ? ` · 负责人 ${customer.ownerName}` : ''}
      </Text>
    </View>
  );
}

/** 客户列表: search by name or phone, filter by tier; a tap opens the customer. */
export default function CustomersPage() {
  const [q, setQ] = useState('');
  const [tier, setTier] = useState<CustomerTier | undefined>(undefined);
  const [items, setItems] = useState<Customer[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(false);
  // Answers can come back out of order while typing: only the latest one is shown.
  const latest = useRef(0);

  const load = async (cursor?: string) => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const page = await listCustomers({ q, tier, cursor });
      if (ticket !== latest.current) return;
      setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setLoaded(true);
    } catch {
      // The http layer has shown the toast.
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  };

  useEffect(() => {
    const timer = setTimeout(() => void load(), 300);
    return () => clearTimeout(timer);
  }, [q, tier]);

  return (
    <View className="page customers-page">
      <Text className="page-title">客户列表</Text>
      <View className="form-field">
        <Input id="customer-search" placeholder="搜索客户名称或电话" value={q} onChange={setQ} clearable />
      </View>
      <View id="tier-filter" className="crm-chips">
        <View
          id="tier-all"
          className={`crm-chip${tier === undefined ? ' active' : ''}`}
          onClick={() => setTier(undefined)}
        >
          全部
        </View>
        {CUSTOMER_TIERS.map((t) => (
          <View
            key={t}
            id={`tier-${t}`}
            className={`crm-chip${tier === t ? ' active' : ''}`}
            onClick={() => setTier(t)}
          >
            {CUSTOMER_TIER_LABELS[t]}
          </View>
        ))}
      </View>
      {!loaded && <Text className="hint">加载中…</Text>}
      {loaded && items.length === 0 && (
        <Text id="customers-empty" className="crm-empty">
          没有符合条件的客户
        </Text>
      )}
      <View className="customer-list">
        {items.map((c) => (
          <CustomerRow key={c.id} customer={c} />
        ))}
      </View>
      {nextCursor && (
        <View className="actions">
          <Button
            id="customers-more"
            block
            loading={loading}
            onClick={() => void load(nextCursor ?? undefined)}
          >
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
