package org.openstrat.quality;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.openstrat.ingest.Extract;

/**
 * The scored population (docs/architecture.md, "Population"): one row per patient registered on
 * the as-of date at a practice mapped to a PCN on that date, alive on it, at least {@code
 * population.min_age} (default 18) in completed years, and not a type 1 opt-out. National data
 * opt-outs stay in, flagged by {@code national_opt_out}, because cohort lists for the care team are
 * direct care; publish drops them from planning outputs ({@link
 * QualityConfig#nationalOptOutExcludedFromPlanning()}).
 *
 * <p>Patients whose practice has no PCN on the as-of date never reach here: {@link Validate} sets
 * them aside as {@code PRACTICE_WITHOUT_PCN}.
 */
public final class Population {
  /** Column of {@link #classify}: why a patient is not in the population, null if in it. */
  public static final String EXCLUSION = "exclusion";

  /** Exclusions, in the order they are tested (a patient is counted under the first). */
  public enum Exclusion {
    NOT_REGISTERED_ON_AS_OF("registration starts after, or ended on or before, the as-of date"),
    DEAD("died on or before the as-of date"),
    UNDER_MIN_AGE("younger than population.min_age on the as-of date"),
    TYPE1_OPT_OUT("type 1 opt-out: excluded from every output");

    private final String description;

    Exclusion(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private Population() {}

  /** The population, columns as in docs/architecture.md. */
  public static Dataset<Row> build(Validated v, LocalDate asOf, QualityConfig cfg) {
    Dataset<Row> in = classify(v, asOf, cfg).where(col(EXCLUSION).isNull());
    Dataset<Row> pcn =
        v.practicePcn()
            .select(
                col("practice_code").as("_pc"),
                col("practice_name"),
                col("pcn_code"),
                col("pcn_name"),
                col("icc_code"),
                col("icc_name"),
                col("icp_code"),
                col("icp_name"));
    Dataset<Row> p = in.join(broadcast(pcn), in.col("practice_code").equalTo(pcn.col("_pc")));
    Dataset<Row> imd = v.accepted().get(Extract.LSOA_DEPRIVATION);
    Column imdDecile;
    if (imd != null) {
      Dataset<Row> dep = imd.select(col("lsoa_code").as("_lsoa"), col("imd_decile"));
      p = p.join(broadcast(dep), p.col("lsoa_code").equalTo(dep.col("_lsoa")), "left_outer");
      imdDecile = col("imd_decile");
    } else {
      imdDecile = lit(null).cast(DataTypes.IntegerType);
    }
    return p.select(
        col("nhs_number"),
        col("date_of_birth"),
        col("age"),
        col("sex"),
        col("practice_code"),
        col("practice_name"),
        col("pcn_code"),
        col("pcn_name"),
        col("icc_code"),
        col("icc_name"),
        col("icp_code"),
        col("icp_name"),
        col("lsoa_code"),
        imdDecile.cast(DataTypes.IntegerType).as("imd_decile"),
        coalesce(col("national_opt_out"), lit(false)).as("national_opt_out"));
  }

  /**
   * Every accepted patient with {@code age} and {@link #EXCLUSION} (an {@link Exclusion} name or
   * null), so the report can count each exclusion. Registered on the as-of date means
   * registration_start on or before it and registration_end null or after it (the end date is the
   * first day not registered, like a practice mapping's end_date).
   */
  public static Dataset<Row> classify(Validated v, LocalDate asOf, QualityConfig cfg) {
    Column d = lit(Date.valueOf(asOf));
    Dataset<Row> patients = v.accepted().get(Extract.PATIENTS);
    Column registered =
        col("registration_start").leq(d)
            .and(col("registration_end").isNull().or(col("registration_end").gt(d)));
    Column alive = col("date_of_death").isNull().or(col("date_of_death").gt(d));
    Column exclusion =
        when(registered.unary_$bang(), lit(Exclusion.NOT_REGISTERED_ON_AS_OF.name()))
            .when(alive.unary_$bang(), lit(Exclusion.DEAD.name()))
            .when(col("age").lt(cfg.minAge()), lit(Exclusion.UNDER_MIN_AGE.name()))
            .when(coalesce(col("type1_opt_out"), lit(false)), lit(Exclusion.TYPE1_OPT_OUT.name()));
    return patients
        .withColumn("age", ageOn(col("date_of_birth"), asOf))
        .withColumn(EXCLUSION, exclusion);
  }

  /**
   * Completed years on {@code asOf}. A 29 February birthday is reached on 1 March in other years.
   */
  public static Column ageOn(Column dob, LocalDate asOf) {
    int y = asOf.getYear();
    int md = asOf.getMonthValue() * 100 + asOf.getDayOfMonth();
    Column dobMd = month(dob).multiply(100).plus(dayofmonth(dob));
    return lit(y).minus(year(dob)).minus(when(dobMd.gt(md), 1).otherwise(0))
        .cast(DataTypes.IntegerType);
  }
}
