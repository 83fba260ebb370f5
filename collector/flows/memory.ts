import { FlowColumns } from './columns.ts'
import { FlowTable } from './table.ts'

/** What one flow assembly works in: the flow table and the export batches. */
export interface AssemblyMemory {
  table: FlowTable
  columns: FlowColumns[]
}

/** Flows a kept table may hold at most (about 30 MB); a bigger one is left to the collector. */
const KEEP_MAX_FLOWS = 262_144

/**
 * The memory of a finished flow assembly, kept for the next one: fresh memory costs a page fault
 * per 4 KiB on first touch, which for a table of 100,000 flows is a good part of reading a
 * capture. Its owner (the pcap importer) hands it to every analysis; one set is kept, so two
 * analyses at once simply give the second fresh memory.
 */
export class FlowMemory {
  private kept: AssemblyMemory | null = null

  take(maxFlows: number): AssemblyMemory {
    const memory = this.kept
    this.kept = null
    if (!memory) return fresh(maxFlows)
    memory.table.reset(maxFlows)
    return memory
  }

  give(memory: AssemblyMemory): void {
    if (memory.table.room <= KEEP_MAX_FLOWS) this.kept = memory
  }
}

export function fresh(maxFlows: number): AssemblyMemory {
  return { table: new FlowTable(maxFlows), columns: [new FlowColumns()] }
}
