import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { SessionModule, sessionOptionsFromEnv } from 'nest-session-kit';
import { ApiErrorFilter } from './common/api-error.filter';
import { createValidationPipe } from './common/validation.pipe';
import { AuthModule } from './auth/auth.module';
import { HealthModule } from './health/health.module';
import { PostsModule } from './posts/posts.module';
import { ModerationModule } from './moderation/moderation.module';
import { AdminModule } from './admin/admin.module';
import { UsersModule } from './users/users.module';
import { ProductsModule } from './products/products.module';
import { CartModule } from './cart/cart.module';
import { ProfileModule } from './profile/profile.module';
import { PreferencesModule } from './preferences/preferences.module';
import { HistoryModule } from './history/history.module';
import { PAGE_HISTORY } from './history/pages';
import { FormsModule } from './forms/forms.module';
import { StatsModule } from './stats/stats.module';
import { GraphQLApiModule } from './graphql/graphql-api.module';
import { LiveModule } from './live/live.module';
import { PagesModule } from './pages/pages.module';

export type SampleEnv = Record<string, string | undefined>;

/** SAMPLE-API.md's default for SESSION_MAX_PER_USER (the library sets no limit unless asked). */
const DEFAULT_MAX_SESSIONS_PER_USER = 5;

/** The sample app; `env` overrides process.env (tests use it to configure an instance). */
@Module({})
export class AppModule {
  static forRoot(env: SampleEnv = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ ...process.env, ...env })],
        }),
        SessionModule.forRootAsync({
          isGlobal: true,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const options = sessionOptionsFromEnv((name) => config.get<string>(name));
            return {
              ...options,
              maxSessionsPerUser: options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER,
              pageHistory: PAGE_HISTORY,
              headerSessions: { enabled: true },
            };
          },
        }),
        UsersModule,
        AuthModule,
        HealthModule,
        ProductsModule,
        CartModule,
        ProfileModule,
        PreferencesModule,
        HistoryModule,
        FormsModule,
        StatsModule,
        PostsModule,
        ModerationModule,
        AdminModule,
        GraphQLApiModule,
        LiveModule,
        PagesModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
