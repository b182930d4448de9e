// `npm run bench:statements`: entries imported per second from one camt.053 of 10,000 entries
// (20 customers' virtual IBANs, every entry booked and funded), in process on SQLite.
import { startTestServer } from '../test/support/server.ts';
const s = await startTestServer({ store: 'sqlite' });
const customers: string[] = [];
const accounts: string[] = [];
for (let i = 0; i < 20; i++) {
  const c = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
  const fi = await s.stripe.customers.createFundingInstructions(c.id, { bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } }, currency: 'eur', funding_type: 'bank_transfer' });
  customers.push(c.id); accounts.push(fi.bank_transfer.financial_addresses[0].iban!.iban);
}
const N = Number(process.env.ENTRIES ?? 10_000);
const entries = Array.from({ length: N }, (_, i) => `<Ntry><Amt Ccy="EUR">${(i % 900) + 1}.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-01</Dt></BookgDt><AcctSvcrRef>R${i}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E${i}</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>Sender ${i}</Nm></Pty></Dbtr><CdtrAcct><Id><IBAN>${accounts[i % 20]}</IBAN></Id></CdtrAcct></RltdPties><RmtInf><Ustrd>Ref ${i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`).join('\n');
const xml = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>${entries}</Stmt></BkToCstmrStmt></Document>`;
const t0 = performance.now(); const cpu0 = process.cpuUsage();
const r = await fetch(`${s.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${s.key}` }, body: xml });
const body = await r.json() as { lines: { status: string }[] };
const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
console.log(`${(xml.length / 1e6).toFixed(1)} MB, ${body.lines.filter((l) => l.status === 'funded').length} funded of ${N}: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${(N / (ms / 1000)).toFixed(0)} entries/s`);
process.exit(0);
