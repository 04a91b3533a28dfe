import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import { EnvLoader } from '@adonisjs/core/env'
import app from '@adonisjs/core/services/app'
import { documentedKeys, envDirectory } from '../../../scripts/env_file.js'

/** The variables start/env.ts validates. */
function validatedKeys() {
  const source = readFileSync(app.makePath('start/env.ts'), 'utf8')
  return [...source.matchAll(/^\s*([A-Z][A-Z0-9_]*):\s*Env\.schema/gm)].map((match) => match[1])
}

test.group('Dot-env files', () => {
  test('.env.example documents every variable start/env.ts validates', ({ assert }) => {
    const validated = validatedKeys()
    assert.isAbove(validated.length, 20)
    assert.includeMembers(documentedKeys(), validated)
  })

  test('the test command reads no dot-env file: a .env left by npm start cannot leak into the suite', async ({
    assert,
  }) => {
    assert.notEqual(envDirectory(), app.appRoot.pathname, 'ENV_PATH points away from the checkout')
    const files = await new EnvLoader(app.appRoot).load()
    assert.deepEqual(
      files.filter((file) => file.fileExists).map((file) => file.path),
      []
    )
  })
})
