import type { NoticeView } from './notices.ts'
import type { CampaignReport } from './report.ts'

export type Lang = 'zh' | 'en'

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '')

const WORDS = {
  zh: {
    notice: '网络安全整改通知单', warning: '网络安全风险预警提示单', report: '网络安全健康检查报告', to: '致', copy: '抄送', number: '编号', issued: '下发日期',
    due: '整改期限', state: '状态', asset: '资产', host: '主机', port: '端口', finding: '问题', severity: '风险等级', solution: '整改建议', sources: '发现途径',
    intro_notice: '经网络安全健康检查，贵单位以下资产存在安全问题。请于整改期限前完成整改，并通过平台回复整改情况及证明材料。',
    intro_warning: '经排查，贵单位以下资产具有与已发现风险相同的特征，存在被攻击利用的风险。请立即自查，并于期限前通过平台回复处置情况。',
    characteristic: '风险特征', overdue: '已逾期', escalated: '已升级通报', sign: '（盖章）', sector: '行业主管部门', locality: '属地',
    severities: { critical: '严重', high: '高危', medium: '中危', low: '低危', info: '信息' },
    states: { issued: '已下发', acknowledged: '已签收', reported: '已反馈', verified: '已核验', closed: '已关闭' },
    by_severity: '按风险等级', by_sector: '按行业', by_locality: '按属地', by_org: '按单位', top: '主要漏洞', unregistered: '未登记资产',
    rectification: '整改情况', findings: '问题数', open: '未整改', rate: '整改完成率', notices: '通知单', generated: '生成时间',
  },
  en: {
    notice: 'Rectification notice', warning: 'Risk warning', report: 'Health-check report', to: 'To', copy: 'Copy to', number: 'Number', issued: 'Issued',
    due: 'Rectify by', state: 'State', asset: 'Asset', host: 'Host', port: 'Port', finding: 'Finding', severity: 'Severity', solution: 'Remediation', sources: 'Found through',
    intro_notice: 'The security health check found the problems below on your assets. Rectify them by the deadline and report the measures and evidence through the platform.',
    intro_warning: 'Your assets below share the characteristic of a risk found elsewhere and may be exploited the same way. Check them now and report what you did by the deadline.',
    characteristic: 'Characteristic', overdue: 'OVERDUE', escalated: 'escalated', sign: '(seal)', sector: 'sector regulator', locality: 'locality',
    severities: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' },
    states: { issued: 'issued', acknowledged: 'acknowledged', reported: 'reported', verified: 'verified', closed: 'closed' },
    by_severity: 'By severity', by_sector: 'By sector', by_locality: 'By locality', by_org: 'By organisation', top: 'Top vulnerabilities', unregistered: 'Unregistered assets',
    rectification: 'Rectification', findings: 'Findings', open: 'Open', rate: 'Rectification rate', notices: 'Notices', generated: 'Generated',
  },
} as const

const STYLE = `body{font-family:"Noto Serif SC","Songti SC",SimSun,serif;max-width:210mm;margin:12mm auto;color:#111;font-size:11pt}
h1{text-align:center;font-size:18pt;letter-spacing:.1em}header{text-align:center;margin-bottom:6mm}header .centre{font-size:14pt;font-weight:bold;color:#b00}
table{border-collapse:collapse;width:100%;margin:4mm 0}th,td{border:1px solid #444;padding:2mm;vertical-align:top;text-align:left}th{background:#eee}
.meta td{border:none;padding:1mm 2mm}.sev-critical,.sev-high{color:#b00;font-weight:bold}.flag{color:#b00;font-weight:bold}
.seal{margin-top:14mm;text-align:right}@media print{body{margin:0}a{color:inherit}}`

function page(lang: Lang, title: string, centre: { zh: string; en: string }, body: string): string {
  return `<!DOCTYPE html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><div class="centre">${esc(lang === 'zh' ? centre.zh : centre.en)}</div></header><h1>${esc(title)}</h1>${body}</body></html>`
}

/** A notice or warning as a printable A4 document with the centre's header, its items and its deadline. */
export function renderNotice(n: NoticeView, lang: Lang, centre: { zh: string; en: string }): string {
  const w = WORDS[lang]
  const sev = (s: string) => `<span class="sev-${esc(s)}">${esc(w.severities[s as keyof typeof w.severities] ?? s)}</span>`
  const copy = [n.copy_to.sector && `${w.sector}: ${n.copy_to.sector}`, n.copy_to.locality && `${w.locality}: ${n.copy_to.locality}`].filter(Boolean).join('；')
  const rows = n.items.map((it, i) => `<tr><td>${i + 1}</td><td>${esc(it.asset_name)}</td><td>${esc(it.host)}</td><td>${it.port ? `${esc(it.port)}/${esc(it.protocol)}` : ''}</td>
<td>${esc(it.title)}${it.cves.length ? `<br><small>${esc(it.cves.join(', '))}</small>` : ''}</td><td>${sev(it.severity)}</td>
<td>${n.kind === 'warning' ? esc((it.sources ?? []).join(', ')) : esc(it.solution)}</td></tr>`).join('\n')
  const flags = [n.overdue ? `<span class="flag">${w.overdue}</span>` : '', n.escalated_at ? `<span class="flag">${w.escalated} ${day(n.escalated_at)}</span>` : ''].filter(Boolean).join(' ')
  const body = `<table class="meta"><tr><td>${w.number}: ${esc(n.number)}</td><td>${w.issued}: ${day(n.issued_at)}</td></tr>
<tr><td>${w.to}: <b>${esc(n.org_name || n.org_id)}</b></td><td>${w.copy}: ${esc(copy)}</td></tr>
<tr><td>${w.due}: <b>${day(n.due_at)}</b> ${flags}</td><td>${w.state}: ${esc(w.states[n.state])}</td></tr>
${n.kind === 'warning' ? `<tr><td colspan="2">${w.characteristic}: ${esc(Object.entries(n.characteristic).map(([k, v]) => `${k}=${String(v)}`).join(', '))}</td></tr>` : ''}</table>
<p>${n.kind === 'warning' ? w.intro_warning : w.intro_notice}</p>
<table><thead><tr><th>#</th><th>${w.asset}</th><th>${w.host}</th><th>${w.port}</th><th>${w.finding}</th><th>${w.severity}</th><th>${n.kind === 'warning' ? w.sources : w.solution}</th></tr></thead>
<tbody>${rows}</tbody></table>
<div class="seal">${esc(lang === 'zh' ? centre.zh : centre.en)} ${w.sign}<br>${day(n.issued_at)}</div>`
  return page(lang, n.kind === 'warning' ? w.warning : w.notice, centre, body)
}

/** Horizontal bars as inline SVG: no script and no external asset, so the page prints anywhere. */
function bars(rows: { label: string; value: number }[]): string {
  const max = Math.max(1, ...rows.map((r) => r.value))
  const h = 18
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${rows.length * h + 4}" role="img">${rows.map((r, i) =>
    `<text x="0" y="${i * h + 13}" font-size="11">${esc(r.label.slice(0, 28))}</text><rect x="190" y="${i * h + 3}" width="${Math.round((r.value / max) * 400)}" height="${h - 6}" fill="#b33"/><text x="${196 + Math.round((r.value / max) * 400)}" y="${i * h + 13}" font-size="11">${r.value}</text>`).join('')}</svg>`
}

export function renderReport(r: CampaignReport, lang: Lang, centre: { zh: string; en: string }): string {
  const w = WORDS[lang]
  const table = (head: string[], rows: unknown[][]) =>
    `<table><thead><tr>${head.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  const body = `<p>${esc(r.campaign.name)} (${r.campaign.year}) — ${w.generated}: ${esc(r.generated_at.slice(0, 16).replace('T', ' '))} UTC</p>
<h2>${w.by_severity}</h2>${bars(Object.entries(r.by_severity).map(([k, v]) => ({ label: w.severities[k as keyof typeof w.severities] ?? k, value: v })))}
<h2>${w.rectification}</h2>${table([w.findings, w.open, w.notices, w.rate, w.overdue], [[r.totals.findings, (r.totals.open ?? 0) + (r.totals.reopened ?? 0), r.rectification.notices, `${Math.round(r.rectification.rate * 100)} %`, r.rectification.overdue]])}
<h2>${w.by_sector}</h2>${bars(r.by_sector.map((s) => ({ label: s.key, value: s.total })))}
<h2>${w.by_locality}</h2>${bars(r.by_locality.map((s) => ({ label: s.key, value: s.total })))}
<h2>${w.by_org}</h2>${table([w.asset, w.findings, w.open, w.severities.critical, w.severities.high], r.by_organisation.map((o) => [o.name, o.total, o.open, o.critical, o.high]))}
<h2>${w.top}</h2>${table([w.finding, w.severity, 'CVE', w.asset], r.top_vulnerabilities.map((v) => [v.title, w.severities[v.severity as keyof typeof w.severities] ?? v.severity, v.cves.slice(0, 3).join(', '), v.assets]))}
<h2>${w.unregistered}</h2>${table([w.host, 'IP', w.findings], r.unregistered.map((u) => [u.hostname || u.host, u.address, u.findings]))}`
  return page(lang, w.report, centre, body)
}
