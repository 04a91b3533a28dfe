import { test } from '@japa/runner'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const ROOT = new URL('../../', import.meta.url).pathname
const ERROR_CODE = /^E_[A-Z0-9_]+$/

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

type Source = { file: string; source: string }

const isThis = (node: ts.Node) => node.kind === ts.SyntaxKind.ThisKeyword
const isCodeName = (name: ts.PropertyName | ts.MemberName) =>
  (ts.isIdentifier(name) || ts.isStringLiteral(name)) && name.text === 'code'

/** `{ code }` or `{ code: ... }` among the arguments. */
function passesCodeOption(args: readonly ts.Expression[]) {
  return args.some(
    (arg) =>
      ts.isObjectLiteralExpression(arg) &&
      arg.properties.some((property) => property.name && isCodeName(property.name))
  )
}

/**
 * What breaks "one class per error code" (docs/decisions/conventions.md): two classes declaring
 * the same `static code`, a constructor that sets `this.code` or hands a code to `super`, and a
 * `new ...Exception(...)` given an error code ('E_...' or `{ code }`).
 */
export function exceptionViolations(sources: Source[]): string[] {
  const violations: string[] = []
  const declared = new Map<string, string[]>()
  for (const { file, source } of sources) {
    const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true)
    const where = (node: ts.Node) =>
      `${file}:${sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`

    const visit = (node: ts.Node, inConstructorOf?: string) => {
      if (ts.isClassLike(node)) {
        const name = node.name?.text ?? '(anonymous class)'
        for (const member of node.members) {
          const isStaticCode =
            ts.isPropertyDeclaration(member) &&
            member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) &&
            isCodeName(member.name)
          if (isStaticCode && member.initializer && ts.isStringLiteralLike(member.initializer)) {
            const code = member.initializer.text
            declared.set(code, [...(declared.get(code) ?? []), `${file} ${name}`])
          }
          if (ts.isConstructorDeclaration(member)) {
            // constructor(public code: string) sets this.code too.
            for (const parameter of member.parameters) {
              if (
                ts.isParameterPropertyDeclaration(parameter, member) &&
                isCodeName(parameter.name as ts.Identifier)
              )
                violations.push(`${where(parameter)} ${name}: the constructor sets this.code`)
            }
            member.body?.forEachChild((child) => visit(child, name))
          } else {
            member.forEachChild((child) => visit(child))
          }
        }
        return
      }
      if (
        inConstructorOf &&
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        (ts.isPropertyAccessExpression(node.left) || ts.isElementAccessExpression(node.left)) &&
        isThis(node.left.expression) &&
        (ts.isPropertyAccessExpression(node.left)
          ? isCodeName(node.left.name)
          : ts.isStringLiteral(node.left.argumentExpression) &&
            node.left.argumentExpression.text === 'code')
      ) {
        violations.push(`${where(node)} ${inConstructorOf}: the constructor sets this.code`)
      }
      if (
        inConstructorOf &&
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.SuperKeyword &&
        passesCodeOption(node.arguments)
      ) {
        violations.push(`${where(node)} ${inConstructorOf}: the constructor passes a code to super`)
      }
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text.endsWith('Exception')
      ) {
        const args = node.arguments ?? []
        const literalCode = args.find(
          (arg) => ts.isStringLiteralLike(arg) && ERROR_CODE.test(arg.text)
        ) as ts.StringLiteralLike | undefined
        if (literalCode || passesCodeOption(args)) {
          const code = literalCode ? ` ${literalCode.text}` : ''
          violations.push(`${where(node)} passes the code${code} to new ${node.expression.text}`)
        }
      }
      node.forEachChild((child) => visit(child, inConstructorOf))
    }
    visit(sourceFile)
  }
  for (const [code, classes] of declared) {
    if (classes.length > 1) violations.push(`${code} is declared by ${classes.join(', ')}`)
  }
  return violations
}

test.group('architecture: exceptions', () => {
  test('app/ declares each error code once, in a class that fixes it (no constructor sets or passes one)', ({
    assert,
  }) => {
    const sources = sourceFiles(join(ROOT, 'app')).map((path) => ({
      file: relative(ROOT, path),
      source: readFileSync(path, 'utf8'),
    }))
    assert.deepEqual(exceptionViolations(sources), [])
  })

  test('the check catches a duplicated code, a code set or passed by a constructor, and a code given to new', ({
    assert,
  }) => {
    const base = `import { AppException } from '#core/exceptions/app_exception'`
    assert.deepEqual(
      exceptionViolations([
        {
          file: 'app/menu/exceptions.ts',
          source: `${base}
export class InvalidMenuFilterException extends AppException {
  static status = 422
  static code = 'E_VALIDATION'
}`,
        },
        {
          file: 'app/core/exceptions/http_errors.ts',
          source: `${base}
export class ValidationException extends AppException {
  static status = 422
  static code = "E_VALIDATION"
}
export class NotFoundException extends AppException {
  static code = 'E_NOT_FOUND'
}`,
        },
      ]),
      [
        'E_VALIDATION is declared by app/menu/exceptions.ts InvalidMenuFilterException, ' +
          'app/core/exceptions/http_errors.ts ValidationException',
      ]
    )

    assert.deepEqual(
      exceptionViolations([
        {
          file: 'app/orders/exceptions.ts',
          source: `${base}
export class OrderLineException extends AppException {
  static code = 'E_ORDER_LINE_INVALID'
  constructor(code: string, message: string, field: string) {
    super(message, { field })
    this.code = code
  }
}
export class OtherException extends AppException {
  static code = 'E_OTHER'
  constructor(code: string) {
    super('other', { code })
  }
}
export class ThirdException extends AppException {
  constructor(public code: string) {
    super('third')
  }
}`,
        },
        {
          file: 'app/orders/services/pricing.ts',
          source: `throw new OrderLineException('E_ITEM_NOT_FOUND', 'This item is not on the menu', 'items')
throw new InputException('bad', { code: 'E_BAD', field: 'x' })`,
        },
      ]),
      [
        'app/orders/exceptions.ts:6 OrderLineException: the constructor sets this.code',
        'app/orders/exceptions.ts:12 OtherException: the constructor passes a code to super',
        'app/orders/exceptions.ts:16 ThirdException: the constructor sets this.code',
        'app/orders/services/pricing.ts:1 passes the code E_ITEM_NOT_FOUND to new OrderLineException',
        'app/orders/services/pricing.ts:2 passes the code to new InputException',
      ]
    )

    // A fixed field, a message and a field, or options only: none of these name a code.
    assert.deepEqual(
      exceptionViolations([
        {
          file: 'app/orders/exceptions.ts',
          source: `${base}
export class GuestOrderLimitException extends AppException {
  static code = 'E_GUEST_ORDER_LIMIT'
  static message = 'Too many guest orders'
  constructor() {
    super(GuestOrderLimitException.message, { field: 'pickup_slot_id' })
  }
}
throw new SlotClosedException({ field: 'pickup_slot_id' })
throw new ContactRequiredException('Guests must give an email', { field: 'customer.email' })
const error = new Error('E_SEND_CAPPED: per recipient')
const payload = { code: 'E_TOO_MANY_REQUESTS' }`,
        },
      ]),
      []
    )
  })
})
