export { createFlowAssembler, type FlowAssembler, type FlowAssemblerConfig, type FlowAssemblerStats } from './assembler.ts'
export { FlowColumns, SOURCE_KINDS } from './columns.ts'
export type { FlowRecord, SourceKind } from './record.ts'
export { FlowMemory } from './memory.ts'
