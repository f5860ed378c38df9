import { ConfigurableModuleBuilder, type ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { SessionModuleOptions } from './session.options';

/** @internal the options as the user passed them, before defaults and validation. */
export const RAW_SESSION_OPTIONS = Symbol('RAW_SESSION_OPTIONS');

/** What `SessionModule.forRoot` and `forRootAsync` take besides the options. */
export interface SessionModuleExtras {
  /** Whether every module of the app can inject the module's providers. @default true */
  isGlobal?: boolean;
}

/**
 * What a `useClass` / `useExisting` options factory implements:
 * `createSessionOptions()` returning the options (or a promise of them).
 */
export interface SessionOptionsFactory {
  createSessionOptions(): SessionModuleOptions | Promise<SessionModuleOptions>;
}

/** `SessionModule.forRootAsync`'s argument: `useFactory` + `inject`, `useClass` or `useExisting`. */
export type SessionModuleAsyncOptions = ConfigurableModuleAsyncOptions<
  SessionModuleOptions,
  'createSessionOptions'
> &
  SessionModuleExtras;

/** `SessionModule.forRoot`'s argument. */
export type SessionModuleForRootOptions = SessionModuleOptions & SessionModuleExtras;

export const {
  ConfigurableModuleClass: ConfigurableSessionModule,
  OPTIONS_TYPE: SESSION_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SESSION_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SessionModuleOptions>({
  moduleName: 'Session',
  optionsInjectionToken: RAW_SESSION_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSessionOptions')
  .setExtras<SessionModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal ?? true,
  }))
  .build();
