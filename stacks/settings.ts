/** This deployment's stage settings (see stages.ts). */
import { stageSettings } from './stages.ts';

export const settings = stageSettings($app.stage, process.env);
