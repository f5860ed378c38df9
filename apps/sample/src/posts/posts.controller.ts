import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AuthGuard,
  OwnedBy,
  OwnershipGuard,
  SessionErrors,
  SessionUser,
  type SessionPrincipal,
} from 'nest-session-kit';
import { CreatePostDto, PostViewDto, toPostView, UpdatePostDto } from './posts.dto';
import { PostOwnershipResolver } from './post-ownership.resolver';
import { PostsRepository } from './posts.repository';

const OWNER_OR_ADMIN = 'The owner, or admin and above';

/** Posts: any signed-in user reads and writes; only the owner (or an admin) edits or deletes. */
@ApiTags('posts')
@Controller('posts')
@UseGuards(AuthGuard, OwnershipGuard)
@ApiResponse({ status: 401, description: 'AUTH_REQUIRED: not signed in' })
export class PostsController {
  constructor(private readonly posts: PostsRepository) {}

  @Post()
  @ApiCreatedResponse({ type: PostViewDto })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED, with `errors` per field' })
  @ApiResponse({ status: 403, description: 'CSRF_INVALID' })
  create(@SessionUser() user: SessionPrincipal, @Body() dto: CreatePostDto): PostViewDto {
    return toPostView(this.posts.create(user.id, dto));
  }

  @Get(':id')
  @ApiOkResponse({ type: PostViewDto })
  @ApiResponse({ status: 404, description: 'RESOURCE_NOT_FOUND' })
  findOne(@Param('id') id: string): PostViewDto {
    const post = this.posts.findById(id);
    if (!post) throw SessionErrors.resourceNotFound();
    return toPostView(post);
  }

  @Patch(':id')
  @OwnedBy(PostOwnershipResolver)
  @ApiOkResponse({ type: PostViewDto, description: OWNER_OR_ADMIN })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED, with `errors` per field' })
  @ApiResponse({ status: 403, description: 'ACCESS_DENIED or CSRF_INVALID' })
  @ApiResponse({ status: 404, description: 'RESOURCE_NOT_FOUND' })
  update(@Param('id') id: string, @Body() dto: UpdatePostDto): PostViewDto {
    const post = this.posts.update(id, dto);
    if (!post) throw SessionErrors.resourceNotFound();
    return toPostView(post);
  }

  @Delete(':id')
  @OwnedBy(PostOwnershipResolver)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: OWNER_OR_ADMIN })
  @ApiResponse({ status: 403, description: 'ACCESS_DENIED or CSRF_INVALID' })
  @ApiResponse({ status: 404, description: 'RESOURCE_NOT_FOUND' })
  remove(@Param('id') id: string): void {
    if (!this.posts.delete(id)) throw SessionErrors.resourceNotFound();
  }
}
