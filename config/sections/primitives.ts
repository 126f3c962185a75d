import { z } from 'zod';

/** Shapes several sections share. */
export const port = z.number().int().min(1).max(65535);
export const millis = z.number().int().min(1);
export const httpUrl = z.url({ protocol: /^https?$/ });
