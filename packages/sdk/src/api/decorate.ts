import { describeType, isRecord, type Report } from '../internal/report.js'

/**
 * A method decorator that works both as a TC39 decorator (TypeScript 5 standard decorators) and as
 * a legacy one (`experimentalDecorators`, Babel legacy): the two are told apart by their arguments.
 */
export interface MethodDecorator {
  <This, Args extends unknown[], Return>(
    value: (this: This, ...args: Args) => Return,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
  ): (this: This, ...args: Args) => Return
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor
}

/** Wraps a method under the span name `methodName` (when the options give none). */
export type WrapMethod = (method: (...args: any[]) => any, methodName: string) => (...args: any[]) => any

export function createMethodDecorator(wrapMethod: WrapMethod, report: () => Report): MethodDecorator {
  function decorator(...args: unknown[]): unknown {
    const [first, second, third] = args
    // TC39: (value, context) with context.kind.
    if (args.length === 2 && isRecord(second) && typeof second.kind === 'string') {
      if (second.kind === 'method' && typeof first === 'function') {
        return wrapMethod(first as (...a: any[]) => any, memberName(second.name))
      }
      report()(
        'invalid_decorator_target',
        `llmobs.decorate() only decorates methods; it was applied to a ${second.kind} (${memberName(second.name)}), which was left unchanged.`,
      )
      return undefined
    }
    // Legacy: (target, propertyKey, descriptor).
    if (args.length >= 3 && isRecord(third) && (typeof second === 'string' || typeof second === 'symbol')) {
      const descriptor = third as PropertyDescriptor
      if (typeof descriptor.value === 'function') {
        return {
          ...descriptor,
          value: wrapMethod(descriptor.value as (...a: any[]) => any, memberName(second)),
        }
      }
      report()(
        'invalid_decorator_target',
        `llmobs.decorate() only decorates methods; ${memberName(second)} is an accessor or field and was left unchanged.`,
      )
      return descriptor
    }
    report()(
      'invalid_decorator_target',
      `llmobs.decorate() must be used as a method decorator (@llmobs.decorate({ kind: 'task' })), but it was called with ${args.map(describeType).join(', ') || 'no arguments'}.`,
    )
    return undefined
  }
  return decorator as MethodDecorator
}

function memberName(name: unknown): string {
  if (typeof name === 'string') return name
  if (typeof name === 'symbol') return name.description ?? 'symbol'
  return 'method'
}
