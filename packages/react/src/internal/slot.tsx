'use client';
import {
  Children,
  cloneElement,
  forwardRef,
  type HTMLAttributes,
  isValidElement,
  type ReactElement,
  type ReactNode,
  type Ref,
} from 'react';
import { composeEventHandlers } from './compose-event-handlers.js';
import { composeRefs } from './compose-refs.js';

type AnyProps = Record<string, unknown>;

function mergeProps(slot: AnyProps, child: AnyProps): AnyProps {
  const merged: AnyProps = { ...slot, ...child };
  for (const key of Object.keys(slot)) {
    const s = slot[key];
    const c = child[key];
    if (/^on[A-Z]/.test(key) && typeof s === 'function' && typeof c === 'function') {
      // The child's own handler is the user's: it runs first and may prevent ours.
      merged[key] = composeEventHandlers(c as (event: Event) => void, s as (event: Event) => void);
    } else if (key === 'className' && s && c) {
      merged[key] = `${s} ${c}`;
    } else if (key === 'style' && s && c) {
      merged[key] = { ...(s as object), ...(c as object) };
    }
  }
  return merged;
}

// React 19 moved `ref` into props; React 18 keeps it on the element.
function elementRef(element: ReactElement): Ref<unknown> | undefined {
  const props = element.props as { ref?: Ref<unknown> };
  return 'ref' in props ? props.ref : (element as unknown as { ref?: Ref<unknown> }).ref;
}

/**
 * Renders its only child with the slot's props merged in (`asChild`): handlers
 * composed child-first, classes joined, refs composed.
 */
export const Slot = /*#__PURE__*/ forwardRef<
  HTMLElement,
  HTMLAttributes<HTMLElement> & { children?: ReactNode }
>(function Slot({ children, ...props }, forwardedRef) {
  const child = Children.only(children);
  if (!isValidElement(child)) return null;
  const ref = elementRef(child);
  return cloneElement(child, {
    ...mergeProps(props as AnyProps, child.props as AnyProps),
    ref: ref ? composeRefs(forwardedRef, ref) : forwardedRef,
  } as AnyProps);
});
