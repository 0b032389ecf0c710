/**
 * The way back with what the cashier knows, as `wx.requestPayment` reports `fail cancel`: the H5
 * client reads `wxpay` from its hash route's query (where Taro keeps page parameters).
 */
export function returnWith(returnUrl: string, result: 'cancel'): string {
  if (!returnUrl) return '';
  const url = new URL(returnUrl);
  if (url.hash) url.hash = `${url.hash}${url.hash.includes('?') ? '&' : '?'}wxpay=${result}`;
  else url.searchParams.set('wxpay', result);
  return url.toString();
}

/** The browser stand-in for wx.requestPayment used by the H5 client. */
export function renderPayPage(outTradeNo: string, returnUrl: string): string {
  // JSON in a <script> must not be able to close the tag.
  const js = (v: string) => JSON.stringify(v).replace(/</g, '\\u003c');
  const html = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>模拟微信支付</title>
<style>body{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px;text-align:center}
button{background:#07c160;color:#fff;border:0;border-radius:6px;padding:12px 32px;font-size:18px}#msg{color:#c00}</style></head>
<body><h1>模拟微信支付</h1><p>订单号 <code>${html(outTradeNo)}</code></p>
<button id="confirm" type="button">确认支付</button> <a id="cancel" href="${html(returnWith(returnUrl, 'cancel'))}">取消</a><p id="msg"></p>
<script>
const outTradeNo = ${js(outTradeNo)}, returnUrl = ${js(returnUrl)};
document.getElementById('confirm').addEventListener('click', async (e) => {
  e.target.disabled = true;
  const res = await fetch('/__sim/pay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ out_trade_no: outTradeNo }) });
  if (!res.ok) { document.getElementById('msg').textContent = '支付失败: ' + (await res.text()); e.target.disabled = false; return; }
  if (returnUrl) location.href = returnUrl;
  else document.getElementById('msg').textContent = '支付成功';
});
</script></body></html>`;
}
