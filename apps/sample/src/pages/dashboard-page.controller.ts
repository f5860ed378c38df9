import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthGuard, Roles, RolesGuard, SessionAnalytics } from 'nest-session-kit';
import { PageExceptionFilter } from './page-exception.filter';
import { PageResponder } from './page-responder';
import { dashboardView } from './views/dashboard.view';

/** The days the charts cover: the same figures as GET /admin/stats?days=7. */
export const DASHBOARD_DAYS = 7;

@ApiExcludeController()
@Controller('admin/dashboard')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
@UseFilters(PageExceptionFilter)
export class DashboardPageController {
  constructor(
    private readonly pages: PageResponder,
    private readonly analytics: SessionAnalytics,
  ) {}

  @Get()
  async dashboard(@Req() req: Request, @Res() res: Response): Promise<void> {
    const stats = await this.analytics.getStats(DASHBOARD_DAYS);
    this.pages.send(req, res, 'Admin dashboard', dashboardView(stats));
  }
}
