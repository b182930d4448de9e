import type { z } from 'zod';
import { listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';

const enabledEvents = param.array(param.string({ max: 5000 }), { max: 300 });

export const createEndpointParams = paramsObject({
  url: param.string({ max: 5000 }),
  enabled_events: enabledEvents,
  api_version: param.string({ max: 5000 }).optional(),
  connect: param.boolean().optional(),
  description: param.nullableString(5000).optional(),
  metadata: param.metadata().optional(),
});

export const updateEndpointParams = paramsObject({
  url: param.string({ max: 5000 }).optional(),
  enabled_events: enabledEvents.optional(),
  description: param.nullableString(5000).optional(),
  metadata: param.metadata().optional(),
  disabled: param.boolean().optional(),
});

export const retrieveEndpointParams = paramsObject({});
export const listEndpointsParams = paramsObject({ ...listParams });

export type CreateEndpointParams = z.output<typeof createEndpointParams>;
export type UpdateEndpointParams = z.output<typeof updateEndpointParams>;
