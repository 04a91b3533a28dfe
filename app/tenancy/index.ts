/**
 * The tenancy core's public surface. Other modules import from here only.
 */
export {
  runWithTenant,
  getTenant,
  requireTenant,
  contextFromMerchant,
} from '#tenancy/context/tenant_context'
export type { TenantContext } from '#tenancy/context/tenant_context'
export { defineModule } from '#tenancy/modules/define_module'
export type {
  ModuleDefinition,
  ModuleSchedule,
  OnboardingStep,
} from '#tenancy/modules/define_module'
export { readRows, shardRouter, tenantDb } from '#tenancy/services/shards'
export { assertNoShardMove } from '#tenancy/sharding/moves/active_move'
export { ShardMover, type MoveProgress } from '#tenancy/sharding/moves/shard_mover'
export { registerShardMoveMetrics } from '#tenancy/sharding/moves/move_metrics'
export {
  shardTools,
  shardStatus,
  queueOperation,
  planOperation,
  type ShardOperation,
} from '#tenancy/services/shard_operations'
export { ShardRebalancer } from '#tenancy/sharding/moves/rebalancer'
export {
  REBALANCE_STRATEGIES,
  type PlannedMove,
  type RebalanceStrategy,
} from '#tenancy/sharding/moves/rebalance_plan'
export { listenForShardMapChanges } from '#tenancy/sharding/shard_map_signal'
export { nodeUrl, nodeUrls, syncRegisteredNodes } from '#tenancy/sharding/node_registry'
export { addShardNode, type AddedNode } from '#tenancy/sharding/add_node'
export { TenantModel } from '#tenancy/models/tenant_model'
export { merchantDirectory } from '#tenancy/services/merchant_directory'
export { featureFlags } from '#tenancy/services/feature_flags'
export { moduleRegistry } from '#tenancy/services/module_registry_service'
export { dispatchTenantJob, runJobInTenant } from '#tenancy/services/tenant_jobs'
export { verifyStaffToken } from '#tenancy/services/staff_tokens'
export type { StaffIdentity } from '#tenancy/services/staff_tokens'
export { authenticateStaffSocket, admitSocket } from '#tenancy/services/socket_access'
export { MerchantRequiredException, ModuleDisabledException } from '#tenancy/exceptions'
export type { MerchantSnapshot, Tier, Vertical, StaffRole } from '#tenancy/types'
export type {
  AccountLocked,
  AccountSignedUp,
  EmailVerified,
  MerchantOnboarded,
  PasswordChanged,
  PasswordResetRequested,
  SessionsRevoked,
  SignUpRefused,
  TeamEvent,
  TeamEventName,
} from '#tenancy/events'
export { TEAM_EVENTS } from '#tenancy/events'
export { teamMembers } from '#tenancy/services/team_members'
export { OnlyOwnerException } from '#tenancy/team_exceptions'
export { bootModuleRegistry } from '#tenancy/services/module_registry_service'
export { moduleAccess } from '#tenancy/services/module_access_service'
export { moduleGate } from '#tenancy/middleware/module_gate_middleware'
export { moduleAvailability } from '#tenancy/modules/module_availability'
export type { KillSwitchReader, ModuleAvailability } from '#tenancy/modules/module_availability'
export { secondFactors } from '#tenancy/services/second_factors'
