import type { Asset, Organisation, Service } from './kinds.ts'

/**
 * An organisation or an asset as the cells of the import/export spreadsheet (keyed by column).
 * Export writes these cells; the import's per-field diff shows them, so that what a dry run
 * reports reads like the file the user edits.
 */
export function orgCells(o: Organisation): Record<string, string> {
  return {
    credit_code: o.credit_code, org_name: o.name, sector: o.sector, locality: o.locality, org_address: o.address,
    cso_name: o.cso.name, cso_phone: o.cso.phone, cso_email: o.cso.email, cso_certificate: o.cso.certificate,
    allocations: o.allocations.join('; '),
  }
}

/** The asset's own cells; `creditCode` is that of the organisation it belongs to. */
export function assetCells(a: Asset, creditCode: string): Record<string, string> {
  return {
    credit_code: creditCode, asset_id: a.id, asset_name: a.name, category: a.category, grade: a.grade, mlps_level: String(a.mlps_level),
    networks: a.networks.join('; '), domains: a.domains.join('; '), services: formatServices(a.services), icp_filing: a.icp_filing,
    mlps_filing: a.mlps_filing, tags: a.tags.join('; '), status: a.status, notes: a.notes,
  }
}

/** Services as the import reads them back. */
export function formatServices(services: Service[]): string {
  return services.map((s) => [`${s.port}/${s.protocol}`, s.product, s.version].filter(Boolean).join(' ')).join('; ')
}
