import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { usePaged } from '../../components/projects/usePaged';
import { Button, Input } from '../../components/ui';
import { listStaff, roleLabel } from '../../services/staff';

export interface ManagerChoice {
  id: string;
  name: string;
}

/**
 * The manager field: the current choice, and on 更换 a searchable list of active staff (the person
 * being edited left out; the server refuses loops and inactive managers anyway). 无上级 clears it.
 */
export function ManagerPicker(props: {
  value: ManagerChoice | null;
  onChange: (value: ManagerChoice | null) => void;
  excludeId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const list = usePaged((cursor) => listStaff({ cursor, active: true, limit: 100 }));
  useEffect(() => {
    if (open && !list.loaded) void list.reload();
  }, [open]);

  const needle = search.trim().toLowerCase();
  const options = list.items.filter(
    (s) =>
      s.id !== props.excludeId &&
      (!needle || s.name.toLowerCase().includes(needle) || s.username.includes(needle)),
  );
  const choose = (value: ManagerChoice | null) => {
    props.onChange(value);
    setOpen(false);
    setSearch('');
  };

  return (
    <View id="manager-picker">
      <View className="manager-current">
        <Text id="manager-current">{props.value?.name ?? '无上级'}</Text>
        <Button id="manager-change" size="small" onClick={() => setOpen(!open)}>
          {open ? '收起' : '更换'}
        </Button>
      </View>
      {open && (
        <View className="manager-list">
          <View id="manager-search" className="form-field">
            <Input placeholder="搜索姓名或用户名" value={search} onChange={setSearch} />
          </View>
          <View id="manager-none" className="manager-option" onClick={() => choose(null)}>
            无上级
          </View>
          {options.map((s) => (
            <View
              key={s.id}
              id={`manager-option-${s.id}`}
              className={`manager-option${s.id === props.value?.id ? ' active' : ''}`}
              onClick={() => choose({ id: s.id, name: s.name })}
            >
              {s.name}
              <Text className="manager-option-meta">{roleLabel(s.role)}</Text>
            </View>
          ))}
          {list.loaded && options.length === 0 && <Text className="hint">没有符合条件的在职员工</Text>}
          {list.nextCursor && (
            <Button id="manager-more" block loading={list.loading} onClick={list.loadMore}>
              加载更多
            </Button>
          )}
        </View>
      )}
    </View>
  );
}
