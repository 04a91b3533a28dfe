import type { RegisteredTable } from '#compliance/services/personal_data_registry'

/** The parts of the Art. 15 answer that do not depend on a table. */
export const ART15_CONTROLLER = {
  controller:
    'The merchants you dealt with are the controllers of their customer data; GUDBRO Verticals processes it for them and is the controller of platform accounts.',
  rights:
    'You may ask for rectification or erasure, restriction of or object to processing (Art. 16-21), and lodge a complaint with a supervisory authority (Art. 77).',
  automatedDecisionMaking: 'None.',
  transfersOutsideEea:
    'None by the platform; delivery providers named under recipients may process data under their own safeguards.',
}

/** Art. 15(1)(a)-(g) per processing activity: purpose, categories, recipients, retention, source. */
export function processingInformation(tables: RegisteredTable[]) {
  return tables.map((table) => ({
    module: table.module,
    table: table.table,
    location: table.location,
    purpose: table.information.purpose,
    legalBasis: table.information.legalBasis,
    categories: [
      ...new Set([
        ...Object.keys(table.personal),
        ...table.subject.filter((l) => l.kind !== 'parent').map((l) => l.column),
      ]),
    ],
    recipients: table.information.recipients,
    retention: table.information.retention,
    source: table.information.source,
  }))
}
