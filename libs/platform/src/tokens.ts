/** Injection token for the service's validated configuration object. */
export const CONFIG = Symbol('CONFIG');
/** Injection token for the {@link Clock} (system or adjustable). */
export const CLOCK = Symbol('CLOCK');
/** Injection token for the service's name, e.g. `service-requests`. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
