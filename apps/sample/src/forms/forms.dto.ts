import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsObject, Min } from 'class-validator';

export class SaveFormStepDto {
  @ApiProperty({ minimum: 1, example: 1, description: 'A step of the form, from 1 to its last' })
  @IsInt()
  @Min(1)
  step!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { street: '1 Main Street', city: 'Lyon' },
    description: "The step's fields (a JSON object; the whole draft is limited to 16 KB)",
  })
  @IsObject()
  // The fields as sent: class-transformer would drop keys such as `toString` or `valueOf`.
  @Transform(({ obj }: { obj: { data?: unknown } }) => obj.data)
  data!: Record<string, unknown>;
}

export class FormDraftDto {
  @ApiProperty({ example: 'checkout' })
  formId!: string;

  @ApiProperty({ example: 3 })
  totalSteps!: number;

  @ApiProperty({ type: [Number], example: [1], description: 'The steps saved so far' })
  completedSteps!: number[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { '1': { street: '1 Main Street', city: 'Lyon' } },
    description: 'The data of each saved step, by step number',
  })
  steps!: Record<string, Record<string, unknown>>;

  @ApiProperty({ description: 'When a step last changed (epoch ms)' })
  updatedAt!: number;
}

export class FormSubmissionDto {
  @ApiProperty({ example: 'checkout' })
  formId!: string;

  @ApiProperty({ description: 'When it was submitted (epoch ms)' })
  submittedAt!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "Every step's data" })
  steps!: Record<string, Record<string, unknown>>;
}
