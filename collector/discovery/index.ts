export { createServiceDiscovery, type DiscoveryConfig, type DiscoveryStats, type ServiceDiscovery } from './services.ts'
export { identifyClient, identifyServer } from './identify.ts'
export type { Identification, ObservedService } from './types.ts'
