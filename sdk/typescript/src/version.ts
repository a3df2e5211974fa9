/** The version of this SDK (sent in the `User-Agent` header from Node). */
export const VERSION = "0.1.0";
