/**
 * Compliance's public surface. Modules whose sensitive tables should be audited use auditTrigger()
 * from '#database/migrations/compliance/audit_sql' in their migrations; personal data is declared
 * through defineModule({ personalData }) (format in #core/privacy/personal_data).
 */
export { gdprExport } from '#compliance/services/gdpr_export_service'
export { gdprErasure, HARD_DELETE_AFTER_DAYS } from '#compliance/services/gdpr_erasure_service'
export { gdprRequests, presentRequest } from '#compliance/services/gdpr_requests'
export { hardDeletes } from '#compliance/services/hard_delete_service'
export { personalDataRegistry } from '#compliance/services/personal_data_registry'
export { recordAudit } from '#compliance/services/audit_recorder'
export { archiveRunner } from '#compliance/services/archive_runner'
export { exportDocumentJson, requestJson } from '#compliance/services/wire_format'
