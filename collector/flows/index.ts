export { createFlowAssembler, type FlowAssembler, type FlowAssemblerConfig, type FlowAssemblerStats } from './assembler.ts'
export { endpointKey } from './key.ts'
export { LiveFlow } from './live-flow.ts'
export type { FlowRecord, SourceKind } from './record.ts'
