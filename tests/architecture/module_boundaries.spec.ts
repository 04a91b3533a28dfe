import { test } from '@japa/runner'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = new URL('../../', import.meta.url).pathname
const MODULES = [
  'tenancy',
  'menu',
  'orders',
  'analytics',
  'ai_briefings',
  'notifications',
  'compliance',
  'marketplace',
]
const IMPORT = /(?:from\s+|import\s*\(\s*)['"]#([a-z_]+)\/([^'"]+)['"]/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Folders whose code uses modules: app/ (each module in its own folder), and the process wiring. */
const CHECKED = ['app', 'commands', 'providers', 'start']

/**
 * start/kernel.ts imports middleware by file: AdonisJS lazy-loads a server or router middleware class
 * from a file's default export, which an index (named exports) cannot provide; the route middleware
 * functions sit beside them.
 */
const MIDDLEWARE_BY_FILE = /^start\/kernel\.ts$/

/** Imports of another module that do not go through its index. */
export function boundaryViolations(file: string, source: string): string[] {
  const [root, folder] = file.split('/')
  const owner = root === 'app' ? folder : undefined
  const violations: string[] = []
  for (const [, module, path] of source.matchAll(IMPORT)) {
    if (!MODULES.includes(module) || module === owner) continue
    if (MIDDLEWARE_BY_FILE.test(file) && path.startsWith('middleware/')) continue
    if (path !== 'index' && path !== 'index.js')
      violations.push(`${file} imports #${module}/${path}`)
  }
  return violations
}

test.group('architecture: module boundaries', () => {
  test('no module, command, provider or start file reaches into a module except through #<module>/index', ({
    assert,
  }) => {
    const violations = CHECKED.flatMap((folder) => sourceFiles(join(ROOT, folder))).flatMap(
      (path) => {
        const file = relative(ROOT, path)
        return boundaryViolations(file, readFileSync(path, 'utf8'))
      }
    )
    assert.deepEqual(violations, [])
  })

  test('each module (a defineModule file) has its own top-level folder that the check covers', ({
    assert,
  }) => {
    const placements = sourceFiles(join(ROOT, 'app'))
      .filter((path) => path.endsWith('/module.ts'))
      .flatMap((path) => {
        const name = readFileSync(path, 'utf8').match(/defineModule\(\{\s*name:\s*'([a-z_]+)'/)?.[1]
        return name ? [{ file: relative(ROOT, path), name }] : []
      })
    assert.isAbove(placements.length, 0)
    for (const { file, name } of placements) {
      assert.equal(file, `app/${name}/module.ts`)
      assert.include(MODULES, name)
    }
  })

  test('the support CLI (app/cli) talks HTTP only: it imports no application code', ({
    assert,
  }) => {
    const appImports = sourceFiles(join(ROOT, 'app/cli')).flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(IMPORT)]
        .filter(([, alias]) => alias !== 'cli')
        .map(([specifier]) => `${relative(ROOT, path)}: ${specifier}`)
    )
    assert.deepEqual(appImports, [])
  })

  test("the orders kitchen room is named only by orders (staff sockets join it through the hub's staff rooms)", ({
    assert,
  }) => {
    const spelled = CHECKED.flatMap((folder) => sourceFiles(join(ROOT, folder)))
      .map((path) => relative(ROOT, path))
      .filter(
        (file) =>
          !file.startsWith('app/orders/') &&
          /merchant:\$\{[^}]+\}:orders/.test(readFileSync(join(ROOT, file), 'utf8'))
      )
    assert.deepEqual(spelled, [])
  })

  test('the check catches a bypassing import, static or dynamic, and allows the index', ({
    assert,
  }) => {
    assert.deepEqual(
      boundaryViolations('app/menu/services/x.ts', "import { x } from '#tenancy/services/shards'"),
      ['app/menu/services/x.ts imports #tenancy/services/shards']
    )
    assert.lengthOf(
      boundaryViolations('app/core/x.ts', "const m = await import('#orders/models/order')"),
      1
    )
    assert.deepEqual(
      boundaryViolations('app/menu/x.ts', "import { tenantDb } from '#tenancy/index'"),
      []
    )
    assert.deepEqual(
      boundaryViolations('app/tenancy/x.ts', "import { y } from '#tenancy/services/shards'"),
      []
    )
    assert.deepEqual(
      boundaryViolations(
        'commands/x.ts',
        "const { y } = await import('#analytics/services/utc_days')"
      ),
      ['commands/x.ts imports #analytics/services/utc_days']
    )
    assert.lengthOf(
      boundaryViolations('providers/x.ts', "import { y } from '#tenancy/services/shards'"),
      1
    )
    assert.lengthOf(
      boundaryViolations(
        'start/routes.ts',
        "import { y } from '#tenancy/middleware/module_gate_middleware'"
      ),
      1
    )
    assert.deepEqual(
      boundaryViolations(
        'start/kernel.ts',
        "() => import('#tenancy/middleware/throttle_middleware')"
      ),
      []
    )
  })
})
