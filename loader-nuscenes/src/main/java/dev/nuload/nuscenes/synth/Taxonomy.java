package dev.nuload.nuscenes.synth;

import java.util.List;

/**
 * The fixed nuScenes vocabularies: 23 categories, 8 attributes, 4 visibility levels and the 12
 * sensors, with the tokens, names and descriptions of the official v1.0 release (nuScenes data (c)
 * Motional, CC BY-NC-SA 4.0; copied from {@code v1.0-mini}). {@code category.index} is the lidarseg
 * label index of the newer table files.
 */
public final class Taxonomy {
  private Taxonomy() {}

  /**
   * A category record.
   *
   * @param token the official token.
   * @param name dot-separated name.
   * @param index lidarseg label index (1..23).
   * @param description the official description.
   */
  public record Category(String token, String name, int index, String description) {}

  /**
   * An attribute record.
   *
   * @param token the official token.
   * @param name the attribute name.
   * @param description the official description.
   */
  public record Named(String token, String name, String description) {}

  /**
   * A visibility record.
   *
   * @param token {@code "1"} to {@code "4"}.
   * @param level for example {@code v80-100}.
   * @param description the official description.
   */
  public record Visibility(String token, String level, String description) {}

  /**
   * A sensor record.
   *
   * @param token the official token.
   * @param channel for example {@code CAM_FRONT}.
   * @param modality camera, lidar or radar.
   */
  public record Sensor(String token, String channel, String modality) {}

  /** Categories in the official file order. */
  public static final List<Category> CATEGORIES =
      List.of(
          new Category(
              "1fa93b757fc74fb197cdd60001ad8abf",
              "human.pedestrian.adult",
              2,
              "Adult subcategory."),
          new Category(
              "b1c6de4c57f14a5383d9f963fbdcb5cb",
              "human.pedestrian.child",
              3,
              "Child subcategory."),
          new Category(
              "b2d7c6c701254928a9e4d6aac9446d79",
              "human.pedestrian.wheelchair",
              8,
              "Wheelchairs. If a person is in the wheelchair, include in the annotation."),
          new Category(
              "6a5888777ca14867a8aee3fe539b56c4",
              "human.pedestrian.stroller",
              7,
              "Strollers. If a person is in the stroller, include in the annotation."),
          new Category(
              "403fede16c88426885dd73366f16c34a",
              "human.pedestrian.personal_mobility",
              5,
              "A small electric or self-propelled vehicle, e.g. skateboard, segway, or scooters, on which the person typically travels in a upright position. Driver and (if applicable) rider should be included in the bounding box along with the vehicle."),
          new Category(
              "bb867e2064014279863c71a29b1eb381",
              "human.pedestrian.police_officer",
              6,
              "Police officer."),
          new Category(
              "909f1237d34a49d6bdd27c2fe4581d79",
              "human.pedestrian.construction_worker",
              4,
              "Construction worker"),
          new Category(
              "63a94dfa99bb47529567cd90d3b58384",
              "animal",
              1,
              "All animals, e.g. cats, rats, dogs, deer, birds."),
          new Category(
              "fd69059b62a3469fbaef25340c0eab7f",
              "vehicle.car",
              17,
              "Vehicle designed primarily for personal use, e.g. sedans, hatch-backs, wagons, vans, mini-vans, SUVs and jeeps. If the vehicle is designed to carry more than 10 people use vehicle.bus. If it is primarily designed to haul cargo use vehicle.truck. "),
          new Category(
              "dfd26f200ade4d24b540184e16050022",
              "vehicle.motorcycle",
              21,
              "Gasoline or electric powered 2-wheeled vehicle designed to move rapidly (at the speed of standard cars) on the road surface. This category includes all motorcycles, vespas and scooters."),
          new Category(
              "fc95c87b806f48f8a1faea2dcc2222a4",
              "vehicle.bicycle",
              14,
              "Human or electric powered 2-wheeled vehicle designed to travel at lower speeds either on road surface, sidewalks or bike paths."),
          new Category(
              "003edbfb9ca849ee8a7496e9af3025d4",
              "vehicle.bus.bendy",
              15,
              "Bendy bus subcategory. Annotate each section of the bendy bus individually."),
          new Category(
              "fedb11688db84088883945752e480c2c",
              "vehicle.bus.rigid",
              16,
              "Rigid bus subcategory."),
          new Category(
              "6021b5187b924d64be64a702e5570edf",
              "vehicle.truck",
              23,
              "Vehicles primarily designed to haul cargo including pick-ups, lorrys, trucks and semi-tractors. Trailers hauled after a semi-tractor should be labeled as vehicle.trailer"),
          new Category(
              "5b3cd6f2bca64b83aa3d0008df87d0e4",
              "vehicle.construction",
              18,
              "Vehicles primarily designed for construction. Typically very slow moving or stationary. Cranes and extremities of construction vehicles are only included in annotations if they interfere with traffic. Trucks used to haul rocks or building materials are considered vehicle.truck rather than construction vehicles."),
          new Category(
              "732cce86872640628788ff1bb81006d4",
              "vehicle.emergency.ambulance",
              19,
              "All types of ambulances."),
          new Category(
              "7b2ff083a64e4d53809ae5d9be563504",
              "vehicle.emergency.police",
              20,
              "All types of police vehicles including police bicycles and motorcycles."),
          new Category(
              "90d0f6f8e7c749149b1b6c3a029841a8",
              "vehicle.trailer",
              22,
              "Any vehicle trailer, both for trucks, cars and bikes."),
          new Category(
              "653f7efbb9514ce7b81d44070d6208c1",
              "movable_object.barrier",
              9,
              "Temporary road barrier placed in the scene in order to redirect traffic. Commonly used at construction sites. This includes concrete barrier, metal barrier and water barrier. No fences."),
          new Category(
              "85abebdccd4d46c7be428af5a6173947",
              "movable_object.trafficcone",
              12,
              "All types of traffic cone."),
          new Category(
              "d772e4bae20f493f98e15a76518b31d7",
              "movable_object.pushable_pullable",
              11,
              "Objects that a pedestrian may push or pull. For example dolleys, wheel barrows, garbage-bins, or shopping carts."),
          new Category(
              "063c5e7f638343d3a7230bc3641caf97",
              "movable_object.debris",
              10,
              "Movable object that is left on the driveable surface that is too large to be driven over safely, e.g tree branch, full trash bag etc."),
          new Category(
              "0a30519ee16a4619b4f4acfe2d78fb55",
              "static_object.bicycle_rack",
              13,
              "Area or device intended to park or secure the bicycles in a row. It includes all the bikes parked in it and any empty slots that are intended for parking bikes."));

  /** Attributes in the official file order. */
  public static final List<Named> ATTRIBUTES =
      List.of(
          new Named("cb5118da1ab342aa947717dc53544259", "vehicle.moving", "Vehicle is moving."),
          new Named(
              "c3246a1e22a14fcb878aa61e69ae3329",
              "vehicle.stopped",
              "Vehicle, with a driver/rider in/on it, is currently stationary but has an intent to move."),
          new Named(
              "58aa28b1c2a54dc88e169808c07331e3",
              "vehicle.parked",
              "Vehicle is stationary (usually for longer duration) with no immediate intent to move."),
          new Named(
              "a14936d865eb4216b396adae8cb3939c",
              "cycle.with_rider",
              "There is a rider on the bicycle or motorcycle."),
          new Named(
              "5a655f9751944309a277276b8f473452",
              "cycle.without_rider",
              "There is NO rider on the bicycle or motorcycle."),
          new Named(
              "03aa62109bf043afafdea7d875dd4f43",
              "pedestrian.sitting_lying_down",
              "The human is sitting or lying down."),
          new Named(
              "4d8821270b4a47e3a8a300cbec48188e", "pedestrian.standing", "The human is standing."),
          new Named(
              "ab83627ff28b465b85c427162dec722f", "pedestrian.moving", "The human is moving."));

  /** Visibility levels in the official file order. */
  public static final List<Visibility> VISIBILITIES =
      List.of(
          new Visibility("1", "v0-40", "visibility of whole object is between 0 and 40%"),
          new Visibility("2", "v40-60", "visibility of whole object is between 40 and 60%"),
          new Visibility("3", "v60-80", "visibility of whole object is between 60 and 80%"),
          new Visibility("4", "v80-100", "visibility of whole object is between 80 and 100%"));

  /** The 12 sensors in the official file order; indexes into this list are channel ids. */
  public static final List<Sensor> SENSORS =
      List.of(
          new Sensor("725903f5b62f56118f4094b46a4470d8", "CAM_FRONT", "camera"),
          new Sensor("ce89d4f3050b5892b33b3d328c5e82a3", "CAM_BACK", "camera"),
          new Sensor("a89643a5de885c6486df2232dc954da2", "CAM_BACK_LEFT", "camera"),
          new Sensor("ec4b5d41840a509984f7ec36419d4c09", "CAM_FRONT_LEFT", "camera"),
          new Sensor("2f7ad058f1ac5557bf321c7543758f43", "CAM_FRONT_RIGHT", "camera"),
          new Sensor("ca7dba2ec9f95951bbe67246f7f2c3f7", "CAM_BACK_RIGHT", "camera"),
          new Sensor("dc8b396651c05aedbb9cdaae573bb567", "LIDAR_TOP", "lidar"),
          new Sensor("47fcd48f71d75e0da5c8c1704a9bfe0a", "RADAR_FRONT", "radar"),
          new Sensor("232a6c4dc628532e81de1c57120876e9", "RADAR_FRONT_RIGHT", "radar"),
          new Sensor("1f69f87a4e175e5ba1d03e2e6d9bcd27", "RADAR_FRONT_LEFT", "radar"),
          new Sensor("df2d5b8be7be55cca33c8c92384f2266", "RADAR_BACK_LEFT", "radar"),
          new Sensor("5c29dee2f70b528a817110173c2e71b9", "RADAR_BACK_RIGHT", "radar"));

  /**
   * Returns the index of a category in {@link #CATEGORIES}.
   *
   * @param name the category name.
   * @return its position.
   */
  public static int categoryIndex(String name) {
    for (int i = 0; i < CATEGORIES.size(); i++) {
      if (CATEGORIES.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown category '" + name + "'");
  }

  /**
   * Returns the token of an attribute.
   *
   * @param name the attribute name, for example {@code vehicle.parked}.
   * @return its token.
   */
  public static String attributeToken(String name) {
    for (Named a : ATTRIBUTES) {
      if (a.name().equals(name)) {
        return a.token();
      }
    }
    throw new IllegalArgumentException("unknown attribute '" + name + "'");
  }
}
