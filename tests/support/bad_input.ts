import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'
import string from '@adonisjs/core/helpers/string'

/**
 * Bad input for every route the router holds: odd path parameters, broken and hostile bodies, odd
 * query strings and headers. Routes come from the router itself, so a route added later is swept too.
 */

export type AuthKind = 'anonymous' | 'staff' | 'support' | 'garbage'
export type SweepRequest = {
  route: string
  label: string
  auth: AuthKind
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer
}
/** Real values per path parameter kind (see paramKind), e.g. { items: '<uuid>', merchantSlug: 'shop' }. */
export type ParamValues = Record<string, string>

type Route = { method: string; pattern: string }
type Body = {
  label: string
  contentType?: string
  body: string | Buffer
  headers?: Record<string, string>
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Test fixture routes that exist to fail on purpose (tests/fixtures/modules.ts: what a 500 reports). */
const DELIBERATE_FAILURES = new Set(['POST /api/v1/loyalty/boom'])

/** Every route and method the router has committed (HEAD is swept too: Adonis adds it to GET routes). */
export function registeredRoutes(): Route[] {
  return Object.values(router.toJSON())
    .flat()
    .flatMap((route) => route.methods.map((method) => ({ method, pattern: route.pattern })))
    .filter((route) => !DELIBERATE_FAILURES.has(`${route.method} ${route.pattern}`))
}

/** What a path parameter names: its own name, or for `:id` the resource before it (`/items/:id` is `items`). */
function paramKind(segments: string[], index: number) {
  const name = segments[index] === '*' ? '*' : segments[index].slice(1).replace(/\?$/, '')
  return name === 'id' ? segments[index - 1] : name
}

function fill(pattern: string, value: (kind: string) => string) {
  const segments = pattern.split('/')
  return segments
    .map((segment, index) =>
      segment === '*' || segment.startsWith(':') ? value(paramKind(segments, index)) : segment
    )
    .join('/')
}

function hasParams(pattern: string) {
  return pattern.split('/').some((segment) => segment === '*' || segment.startsWith(':'))
}

/** Path parameter values as they go on the wire (already percent-encoded where needed). */
function oddParamValues(ours: ParamValues) {
  const someRealId =
    Object.values(ours).find((value) => /^[0-9a-f-]{36}$/.test(value)) ?? randomUUID()
  return [
    'abc',
    '-1',
    '1.5',
    '9223372036854775808',
    'x'.repeat(2000),
    '%00',
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '%2e%2e',
    encodeURIComponent('ünïcødé-🍕-\u202e'),
    '%E0%A4%A',
    '%',
    "'%20OR%201%3D1--",
    '00000000-0000-0000-0000-000000000000',
    someRealId.toUpperCase(),
    `${someRealId}%20`,
  ]
}

/** Field names our validators read, at the top level of a body. Wrong-type bodies set them all at once. */
const FIELDS = [
  'email',
  'password',
  'merchant',
  'name',
  'slug',
  'vertical',
  'tier',
  'timezone',
  'owner',
  'address',
  'reason',
  'id',
  'ids',
  'category_id',
  'description',
  'display_order',
  'is_active',
  'availability',
  'price_minor',
  'currency',
  'image_url',
  'sold_out',
  'dietary_flags',
  'allergens',
  'duration_minutes',
  'rental_unit',
  'is_required',
  'min_select',
  'max_select',
  'price_delta_minor',
  'in_stock',
  'format',
  'content',
  'pickup_slot_id',
  'customer',
  'items',
  'notes',
  'status',
  'starts_at',
  'ends_at',
  'capacity',
  'events',
  'session_id',
  'routes',
  'email_recipients',
  'sms_recipients',
  'webhook_url',
  'endpoint',
  'keys',
  'body',
  'subject_email',
  'phone',
  'user_id',
  'merchant_id',
  'modules',
  'page',
  'per_page',
  'limit',
  'cursor',
  'days',
]

const WRONG_VALUES: Array<[string, unknown]> = [
  ['arrays', []],
  ['objects', {}],
  ['2^63', 2 ** 63],
  ['long strings', 'x'.repeat(10_000)],
  ['nulls', null],
  ['booleans', true],
  ['empty strings', ''],
  ['control characters', 'a\u0000b\u202e'],
]

/** A body with every field set to the given JSON text (written out by hand: JSON.stringify cannot nest 10,000 deep). */
function everyField(valueJson: string) {
  return `{${FIELDS.map((field) => `${JSON.stringify(field)}:${valueJson}`).join(',')}}`
}

function limitOf(parser: 'json' | 'form') {
  const limit = app.config.get<string | number | undefined>(`bodyparser.${parser}.limit`)
  return limit === undefined ? undefined : string.bytes.parse(limit)
}

let builtBodies: Body[] | undefined

/** Built once: some are megabytes long. */
export function badBodies(): Body[] {
  builtBodies ??= buildBodies()
  return builtBodies
}

function buildBodies(): Body[] {
  const json = 'application/json'
  const depth = 10_000
  const bodies: Body[] = [
    { label: 'malformed JSON', contentType: json, body: '{"email": "broken' },
    { label: 'trailing garbage JSON', contentType: json, body: '{"a":1}}}' },
    { label: 'empty JSON body', contentType: json, body: '' },
    { label: 'JSON null', contentType: json, body: 'null' },
    { label: 'JSON number', contentType: json, body: '12345678901234567890' },
    { label: 'JSON string', contentType: json, body: '"just a string"' },
    { label: 'JSON array', contentType: json, body: '[1,"two",{"three":3}]' },
    { label: 'JSON empty object', contentType: json, body: '{}' },
    {
      label: 'invalid UTF-8',
      contentType: json,
      body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    },
    {
      label: 'prototype pollution',
      contentType: json,
      body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    },
    {
      label: `arrays nested ${depth} deep`,
      contentType: json,
      body: '['.repeat(depth) + ']'.repeat(depth),
    },
    {
      label: `objects nested ${depth} deep`,
      contentType: json,
      body: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    },
    {
      label: 'nested wrong types',
      contentType: json,
      body: JSON.stringify({
        customer: { name: [], email: {} },
        owner: { email: [], password: 1 },
        items: [{ item_id: 1, quantity: 'x', option_ids: {} }, null, 'x'],
        events: [{ type: [], occurred_at: {} }, 7],
        keys: { p256dh: [], auth: {} },
        routes: { 'order.created': 'email', '': [] },
        availability: [{ start: 1, end: [] }],
        ids: [null, 1, {}],
      }),
    },
    { label: 'JSON as text/plain', contentType: 'text/plain', body: '{"name":"x"}' },
    { label: 'XML', contentType: 'application/xml', body: '<?xml version="1.0"?><a><b>1</b></a>' },
    {
      label: 'octet stream',
      contentType: 'application/octet-stream',
      body: Buffer.from([0, 1, 2, 254, 255]),
    },
    { label: 'no content type', body: '{"name":"x"}' },
    {
      label: 'JSON in UTF-16',
      contentType: 'application/json; charset=utf-16',
      body: Buffer.from('{"a":1}', 'utf16le'),
    },
    {
      label: 'unknown JSON charset',
      contentType: 'application/json; charset=klingon',
      body: '{"a":1}',
    },
    { label: 'CSP report garbage', contentType: 'application/csp-report', body: '{"csp-report":' },
    {
      label: 'claims gzip',
      contentType: json,
      body: '{"a":1}',
      headers: { 'Content-Encoding': 'gzip' },
    },
    {
      label: 'unknown encoding',
      contentType: json,
      body: '{"a":1}',
      headers: { 'Content-Encoding': 'klingon' },
    },
    {
      label: 'nested form',
      contentType: 'application/x-www-form-urlencoded',
      body: `a${'[a]'.repeat(100)}=1&a=2&items[99999]=x&__proto__[polluted]=1&email[]=x&ids[a]=1&%E0%A4%A=%`,
    },
    {
      label: 'multipart field',
      contentType: 'multipart/form-data; boundary=sweep',
      body: '--sweep\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--sweep--\r\n',
    },
    { label: 'multipart without boundary', contentType: 'multipart/form-data', body: 'garbage' },
    {
      label: 'multipart cut short',
      contentType: 'multipart/form-data; boundary=sweep',
      body: '--sweep\r\nContent-Disposition: form-data; name="a"\r\n\r\nx',
    },
  ]
  for (const [label, value] of WRONG_VALUES)
    bodies.push({
      label: `every field as ${label}`,
      contentType: json,
      body: everyField(JSON.stringify(value)),
    })
  const jsonLimit = limitOf('json')
  if (jsonLimit)
    bodies.push({
      label: 'JSON just over the size limit',
      contentType: json,
      body: `{"a":"${'x'.repeat(jsonLimit)}"}`,
    })
  const formLimit = limitOf('form')
  if (formLimit)
    bodies.push({
      label: 'form just over the size limit',
      contentType: 'application/x-www-form-urlencoded',
      body: `a=${'x'.repeat(formLimit)}`,
    })
  return bodies
}

const QUERIES = [
  '?page=abc&per_page=-1&limit=1e309&days=NaN&status=%00&date=2024-13-45&from=x&to=1999-01-01&cursor=..%2F&format=klingon',
  '?page=9223372036854775808&per_page=99999999999999999999&limit=0&days=-1&date=0000-00-00&resource_type=%00&actor_id=abc',
  `?status[]=a&page[x]=1&limit[]=1&days[a][b]=c&cursor[]=x&date[]=&per_page[__proto__]=1&a${'[a]'.repeat(200)}=1&status[100000]=x&%E0%A4%A=%`,
]

const ODD_HEADERS: Record<string, string> = {
  'X-Merchant': 'x'.repeat(500),
  'Idempotency-Key': 'k'.repeat(1000),
  'X-Tracking-Token': 'not-a-token',
  'X-Conversation-Token': '../../etc/passwd',
  'X-Request-Id': 'r'.repeat(1000),
  'If-None-Match': '"unterminated, W/',
  'Accept-Encoding': 'br;q=abc, gzip;q=-1, *;q=2',
  'Accept': 'application/xml;q=x',
  'Accept-Language': 'zz-ZZ;q=abc',
  'User-Agent': 'ÿ'.repeat(200),
}

/**
 * A well-typed body that names the other merchant's objects in every id field our validators read, so
 * that writes get past validation and reach the tenant checks (VineJS ignores the fields a route does not read).
 */
function foreignBody(theirs: ParamValues) {
  return JSON.stringify({
    name: 'Sweep',
    price_minor: 100,
    currency: 'EUR',
    format: 'json',
    content: '{"categories":[]}',
    status: 'accepted',
    reason: 'sweep',
    body: 'hello',
    customer: { name: 'Sweep', email: 'sweep@mail.test' },
    category_id: theirs.categories,
    pickup_slot_id: theirs['pickup-slots'],
    ids: [theirs.categories, theirs.items],
    items: [
      { item_id: theirs.items, quantity: 1, option_ids: [theirs['modifier-options']] },
      { item_id: theirs['hidden-items'], quantity: 1 },
    ],
    events: [{ type: 'item_viewed', item_id: theirs.items, session_id: 'sweep' }],
    cursor: theirs.conversations,
    merchant: theirs.merchantSlug,
    merchant_id: theirs.merchant,
  })
}

/** Authorization headers that are not a token of anyone. */
const GARBAGE_AUTH = [
  'Bearer ',
  'Bearer gud_abc.def',
  'Bearer gud_99999999999999999999999999999.aaaa',
  'Bearer gud_-1.' + 'a'.repeat(4000),
  'Basic dXNlcjpwYXNz',
]

function request(
  route: Route,
  label: string,
  auth: AuthKind,
  path: string,
  extra: Partial<SweepRequest> = {}
): SweepRequest {
  return {
    route: `${route.method} ${route.pattern}`,
    label,
    auth,
    method: route.method,
    path,
    headers: {},
    ...extra,
  }
}

function normalPath(route: Route, ours: ParamValues) {
  // DELETE with our own real ids would remove the objects the other requests need.
  return fill(
    route.pattern,
    (kind) =>
      (route.method !== 'DELETE' && ours[kind]) || (kind === '*' ? 'anything' : randomUUID())
  )
}

/**
 * First pass for one route: a plain request as each caller (staff and support requests get their
 * Authorization header when sent), and tokens that are nobody's.
 */
export function plainRequests(route: Route, ours: ParamValues): SweepRequest[] {
  const path = normalPath(route, ours)
  return [
    ...(['anonymous', 'staff', 'support'] as const).map((auth) =>
      request(route, 'plain', auth, path)
    ),
    ...GARBAGE_AUTH.map((header) =>
      request(route, `Authorization: ${header.slice(0, 30)}`, 'garbage', path, {
        headers: { Authorization: header },
      })
    ),
  ]
}

/**
 * Second pass: everything odd, as each caller the route let through on the first pass (the guards
 * answer the others before any parameter or body is read; the body parser runs for every caller, so
 * one caller covers it). The other merchant's ids go with our staff token.
 */
export function badRequests(
  route: Route,
  ours: ParamValues,
  theirs: ParamValues,
  admitted: AuthKind[]
): SweepRequest[] {
  if (route.method === 'HEAD') return []
  // A support token on a public route is one more signed-in caller: support goes where nobody else may (admin).
  const callers = admitted.length
    ? admitted.filter((auth) => auth !== 'support' || admitted.length === 1)
    : (['anonymous'] as const)
  const normal = normalPath(route, ours)
  const requests: SweepRequest[] = []
  const add = (label: string, path: string, extra: Partial<SweepRequest> = {}) => {
    for (const auth of callers) requests.push(request(route, label, auth, path, extra))
  }
  if (hasParams(route.pattern)) {
    for (const value of oddParamValues(ours))
      add(
        `params = ${value.slice(0, 40)}`,
        fill(route.pattern, () => value)
      )
    const foreign = (transform: (value: string) => string) =>
      fill(route.pattern, (kind) => transform(theirs[kind] ?? ours[kind] ?? randomUUID()))
    requests.push(
      request(
        route,
        "params = the other merchant's ids",
        'staff',
        foreign((v) => v)
      )
    )
    requests.push(
      request(
        route,
        "params = the other merchant's ids, upper case",
        'staff',
        foreign((v) => v.toUpperCase())
      )
    )
  }
  for (const query of QUERIES) add(`query ${query.slice(0, 40)}`, normal + query)
  add('odd headers', normal, { headers: ODD_HEADERS })
  requests.push(
    request(route, 'another merchant in X-Merchant', 'staff', normal, {
      headers: { 'X-Merchant': theirs.merchantSlug },
    })
  )
  if (WRITE_METHODS.has(route.method)) {
    add("the other merchant's ids in the body", normal, {
      headers: { 'Content-Type': 'application/json' },
      body: foreignBody(theirs),
    })
    for (const body of badBodies()) {
      const headers: Record<string, string> = { ...body.headers }
      if (body.contentType) headers['Content-Type'] = body.contentType
      add(body.label, normal, { headers, body: body.body })
    }
  }
  return requests
}
