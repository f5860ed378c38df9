import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';

/** `POST /auth/token`: the credentials, for a header session (no cookie). */
export class TokenLoginDto {
  @ApiProperty({ example: 'user@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'user-password-1' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class LoginDto extends TokenLoginDto {
  @ApiPropertyOptional({ description: 'Keep the cookie after the browser closes' })
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;
}

export class MfaVerifyDto {
  @ApiProperty({ example: '123456', description: 'The 6-digit TOTP code' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

export class ReauthDto {
  @ApiProperty()
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 256)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @Length(12, 256, { message: 'newPassword must be 12 to 256 characters long' })
  newPassword!: string;
}
