import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import type { PostRecord } from './posts.repository';

export const TITLE_MAX = 200;
export const BODY_MAX = 10_000;
const NOT_BLANK = /\S/;
const notBlank = (field: string) => ({ message: `${field} must not be blank` });

export class CreatePostDto {
  @ApiProperty({ example: 'Hello', minLength: 1, maxLength: TITLE_MAX })
  @IsString()
  @Length(1, TITLE_MAX)
  @Matches(NOT_BLANK, notBlank('title'))
  title!: string;

  @ApiProperty({ example: 'My first post.', minLength: 1, maxLength: BODY_MAX })
  @IsString()
  @Length(1, BODY_MAX)
  @Matches(NOT_BLANK, notBlank('body'))
  body!: string;
}

/** Both fields optional, but a field that is sent must be valid: `null` is refused. */
export class UpdatePostDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: TITLE_MAX })
  @ValidateIf((_dto: UpdatePostDto, value: unknown) => value !== undefined)
  @IsString()
  @Length(1, TITLE_MAX)
  @Matches(NOT_BLANK, notBlank('title'))
  title?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: BODY_MAX })
  @ValidateIf((_dto: UpdatePostDto, value: unknown) => value !== undefined)
  @IsString()
  @Length(1, BODY_MAX)
  @Matches(NOT_BLANK, notBlank('body'))
  body?: string;
}

/** A post on the wire. */
export class PostViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The id of the user who wrote it' })
  ownerId!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  body!: string;
}

export function toPostView({ id, ownerId, title, body }: PostRecord): PostViewDto {
  return { id, ownerId, title, body };
}
