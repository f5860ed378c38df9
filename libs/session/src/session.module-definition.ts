import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SessionModuleOptions } from './session.options';

/** @internal the options as the user passed them, before defaults and validation. */
export const RAW_SESSION_OPTIONS = Symbol('RAW_SESSION_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableSessionModule,
  OPTIONS_TYPE: SESSION_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SESSION_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SessionModuleOptions>({
  moduleName: 'Session',
  optionsInjectionToken: RAW_SESSION_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
