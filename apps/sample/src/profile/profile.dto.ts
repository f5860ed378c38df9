import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

export class UpdateProfileDto {
  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 50 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 50)
  displayName!: string;
}

export class ProfileDto {
  @ApiProperty({ example: 'u-user' })
  id!: string;

  @ApiProperty({ example: 'user@example.com' })
  email!: string;

  @ApiProperty({ example: ['user'] })
  roles!: string[];

  @ApiProperty({ required: false, example: 'Ada Lovelace' })
  displayName?: string;
}

export class FlashMessageDto {
  @ApiProperty({ example: 'success' })
  type!: string;

  @ApiProperty({ example: 'Your display name was updated' })
  message!: string;
}

export class ProfilePageDto {
  @ApiProperty({ type: ProfileDto })
  profile!: ProfileDto;

  @ApiProperty({ type: [FlashMessageDto], description: 'Shown once: empty on the next read' })
  flash!: FlashMessageDto[];
}
