import type { z } from 'zod';
import { createdParam, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';

export const listEventsParams = paramsObject({
  ...listParams,
  ...createdParam,
  delivery_success: param.boolean().optional(),
  type: param.string({ max: 5000 }).optional(),
  types: param.array(param.string({ max: 5000 }), { max: 20 }).optional(),
});

export const retrieveEventParams = paramsObject({});

export type ListEventsParams = z.output<typeof listEventsParams>;
