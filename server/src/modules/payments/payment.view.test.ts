import { Types } from 'mongoose';
import { idOfTradeNo, tradeNoFor } from './payment.view';

describe('our WeChat Pay order numbers', () => {
  it('fit WeChat out_trade_no / out_refund_no rules and lead back to the record', () => {
    const id = new Types.ObjectId();
    for (const prefix of ['P', 'R'] as const) {
      const no = tradeNoFor(prefix, id);
      expect(no).toMatch(/^[0-9A-Za-z_|*-]{6,32}$/);
      expect(String(idOfTradeNo(prefix, no))).toBe(String(id));
    }
  });

  it('refuse numbers of another kind or form', () => {
    const id = new Types.ObjectId();
    expect(idOfTradeNo('R', tradeNoFor('P', id))).toBeNull();
    expect(idOfTradeNo('P', 'P20261128a1b2c3d4e5f60718')).toBeNull(); // the older dated form
    expect(idOfTradeNo('P', `PI${id.toHexString().toUpperCase()}`)).toBeNull();
    expect(idOfTradeNo('P', `P${id.toHexString()}`)).toBeNull();
    expect(idOfTradeNo('P', `PI${id.toHexString()}0`)).toBeNull();
  });
});
