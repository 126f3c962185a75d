import { z } from 'zod';

/** Shapes several sections share. */
// 0 asks the kernel for a free port (tests, side-by-side instances).
export const port = z.number().int().min(0).max(65535);
export const millis = z.number().int().min(1);
export const httpUrl = z.url({ protocol: /^https?$/ });
