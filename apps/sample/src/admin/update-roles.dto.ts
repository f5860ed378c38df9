import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { DEFAULT_ROLE_HIERARCHY } from 'nest-session-kit';

export class UpdateRolesDto {
  @ApiProperty({ example: ['moderator'], enum: DEFAULT_ROLE_HIERARCHY, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DEFAULT_ROLE_HIERARCHY.length)
  @ArrayUnique()
  @IsIn(DEFAULT_ROLE_HIERARCHY, { each: true })
  roles!: string[];
}
