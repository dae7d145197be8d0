package org.openstrat.scores;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.features.Features;
import org.openstrat.features.Windows;
import org.openstrat.rules.HfrsRules;

/**
 * Hospital Frailty Risk Score (Gilbert T et al., Lancet 2018;391:1775-82): the points of every
 * distinct ICD-10 3-character group among a patient's primary and secondary diagnoses of spells
 * admitted in the window, each group counted once per patient however often it occurs.
 */
public final class Hfrs {
  private Hfrs() {}

  public static final String HFRS = "hfrs";
  public static final String HFRS_BAND = "hfrs_band";

  /** Default window (Gilbert 2018): admission_date in [as-of minus 2 years, as-of], both ends in. */
  public static final int LOOKBACK_YEARS = 2;

  /** {@link #score(Dataset, Map, int, LocalDate)} with the rule file's points and window. */
  public static Dataset<Row> score(Dataset<Row> apcSpells, HfrsRules rules, LocalDate asOf) {
    return score(apcSpells, rules.points(), rules.lookbackYears(), asOf);
  }

  /** {@link #band(Column, double, double)} with the rule file's edges. */
  public static Column band(Column hfrs, HfrsRules rules) {
    return band(hfrs, rules.intermediateMin(), rules.highAbove());
  }

  /**
   * The HFRS of every patient with a scoring spell in the window.
   *
   * @param apcSpells typed apc_spells (ICD-10 codes normalised by ingest: "F009", "R296", "I10")
   * @param points ICD-10 3-character group -> points (rules/hfrs/hfrs-icd10.csv)
   * @param lookbackYears window length in years
   * @return nhs_number, hfrs (sum of points rounded to 1 decimal, as every weight has one decimal,
   *     so a float sum like 14.999999 never lands in the wrong band); patients with no group in
   *     the window are absent (HFRS 0)
   */
  public static Dataset<Row> score(
      Dataset<Row> apcSpells, Map<String, Double> points, int lookbackYears, LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    points.forEach((group, p) -> rows.add(RowFactory.create(group, p)));
    Dataset<Row> table =
        broadcast(apcSpells.sparkSession().createDataFrame(rows,
            new StructType().add("hfrs_group", DataTypes.StringType, false)
                .add("hfrs_points", DataTypes.DoubleType, false)));
    Column admission = col("admission_date");
    Column diagnoses =
        concat(array(col("primary_diagnosis")),
            coalesce(col("secondary_diagnoses"), array().cast("array<string>")));
    return apcSpells
        .where(Windows.lastMonths(admission, asOf, lookbackYears * 12))
        .select(col(Features.NHS_NUMBER), explode(diagnoses).as("diagnosis"))
        .select(col(Features.NHS_NUMBER), substring(col("diagnosis"), 1, 3).as("group"))
        .distinct()
        .join(table, col("group").equalTo(col("hfrs_group")))
        .groupBy(Features.NHS_NUMBER)
        .agg(round(sum(col("hfrs_points")), 1).as(HFRS));
  }

  /**
   * Band (Gilbert 2018): low &lt; {@code intermediateMin} (5), intermediate from 5 to {@code
   * highAbove} (15) inclusive, high &gt; 15. So 5.0 and 15.0 are intermediate and 15.1 is high.
   */
  public static Column band(Column hfrs, double intermediateMin, double highAbove) {
    return when(hfrs.lt(intermediateMin), "low")
        .when(hfrs.leq(highAbove), "intermediate")
        .otherwise("high");
  }
}
